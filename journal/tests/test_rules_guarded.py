"""The rules are guarded like the marks (issue 14): no rule change reopens an entry whose window has closed.

Tried as the deputy and the sysadmin would, through the admin's change forms posted as a browser would: the
edit windows set to 1000 days, a period's dates moved, a work type recategorised. Each change leaves a chained
history entry with the old and new values and its basis; no closed entry becomes writable.
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from journal import services
from journal.models import EditWindow, HistoryEntry, Mark, StudyPeriod, WorkType
from journal.permissions import sync_role_permissions
from journal.services import rules
from journal.tests import factories as f
from journal.tests.cast import NOW
from journal.windows import WindowClosed

REASON = "приказ № 12 от 01.12.2026"
OLD_LESSON = datetime.date(2026, 11, 1)  # 17 days before NOW: every window of its marks has closed
FRESH_LESSON = datetime.date(2026, 11, 17)  # yesterday: still open


@pytest.fixture
def staff(db):
    sync_role_permissions()


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _form(obj, **changes) -> dict:
    data = {key: "" if value is None else value for key, value in model_to_dict(obj).items() if key != "id"}
    data = {key: ("on" if value is True else "" if value is False else value) for key, value in data.items()}
    return data | {"reason": REASON} | changes


def _cell(client, assignment, lesson, student, text, expected):
    return client.post(
        reverse("journal:cell", args=[assignment.pk]),
        {"lesson": lesson.pk, "student": student.pk, "text": text, "expected": expected},
    )


def _token(mark: Mark) -> str:
    return services.cell_token([(mark.pk, mark.version)], None)


def test_the_deputy_cannot_reopen_old_marks_through_the_edit_windows(
    staff, deputy, teacher, assignment, student, client_for, frozen_now
):
    old = f.MarkFactory(lesson=f.LessonFactory(assignment=assignment, date=OLD_LESSON), student=student, value=3)
    fresh = f.MarkFactory(lesson=f.LessonFactory(assignment=assignment, date=FRESH_LESSON), student=student, value=4)
    window = EditWindow.objects.get(entry=EditWindow.Entry.MARK, work_category="")

    response = client_for(deputy).post(_admin_url(EditWindow, "change", window.pk), _form(window, change_days=1000))
    assert response.status_code == 302, response.content.decode()[:2000]
    window.refresh_from_db()
    assert window.change_days == 1000

    teacher_client = client_for(teacher)
    refused = _cell(teacher_client, assignment, old.lesson, student, "5", _token(old))
    assert refused.status_code == 422 and refused.json()["locked"]
    assert "заявлению" in refused.json()["error"]
    old.refresh_from_db()
    assert old.value == 3

    # The lesson still open at the change gets the new rule: a week later (past the old 2 days) it may change.
    frozen_now.move_to(NOW + datetime.timedelta(days=7))
    saved = _cell(client_for(teacher), assignment, fresh.lesson, student, "5", _token(fresh))
    assert saved.status_code == 200, saved.content

    # The change is in the history: who, old → new, and why.
    entry = HistoryEntry.objects.filter(kind=HistoryEntry.Kind.RULE).latest("id")
    assert (entry.user_id, entry.object_id, entry.source) == (deputy.pk, window.pk, HistoryEntry.Source.ADMIN)
    assert (entry.old["change_days"], entry.new["change_days"], entry.reference) == (2, 1000, REASON)


def test_putting_the_rows_back_keeps_what_was_closed_closed(
    staff, deputy, teacher, assignment, student, client_for, frozen_now
):
    fresh = f.MarkFactory(lesson=f.LessonFactory(assignment=assignment, date=FRESH_LESSON), student=student, value=4)
    window = EditWindow.objects.get(entry=EditWindow.Entry.MARK, work_category="")
    deputy_client = client_for(deputy)
    deputy_client.post(_admin_url(EditWindow, "change", window.pk), _form(window, change_days=1000))
    window.refresh_from_db()
    frozen_now.move_to(NOW + datetime.timedelta(days=1))
    deputy_client = client_for(deputy)
    assert (
        deputy_client.post(_admin_url(EditWindow, "change", window.pk), _form(window, change_days=2)).status_code == 302
    )
    # Back to two days: yesterday's lesson (now two days old) is open until tonight, then closed for good.
    frozen_now.move_to(NOW + datetime.timedelta(days=5))
    refused = _cell(client_for(teacher), assignment, fresh.lesson, student, "5", _token(fresh))
    assert refused.status_code == 422


def test_a_rule_change_without_a_basis_is_refused(staff, deputy, client_for, frozen_now):
    window = EditWindow.objects.get(entry=EditWindow.Entry.MARK, work_category="")
    response = client_for(deputy).post(
        _admin_url(EditWindow, "change", window.pk), _form(window, change_days=5, reason="")
    )
    assert response.status_code == 200
    assert "основание" in response.content.decode().lower()
    window.refresh_from_db()
    assert window.change_days == 2


def test_a_new_work_type_category_governs_only_open_marks(deputy, teacher, assignment, student, frozen_now):
    current = WorkType.objects.get(name="Ответ на уроке")
    old = f.MarkFactory(
        lesson=f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 10)),
        student=student,
        work_type=current,
        value=3,
    )
    origin = services.Origin(by=deputy, reference=REASON)
    current.category = WorkType.Category.VSOKO  # ВСОКО: changed within 10 days, not 2
    rules.work_type_save(origin=origin, work_type=current)
    with pytest.raises(WindowClosed):
        services.mark_update(origin=services.Origin(by=teacher), mark=old, value=5)
    assert Mark.objects.get(pk=old.pk).value == 3
    # A mark still open at the change follows the new category: ten days instead of two.
    fresh = f.MarkFactory(
        lesson=f.LessonFactory(assignment=assignment, date=FRESH_LESSON), student=student, work_type=current, value=3
    )
    frozen_now.move_to(NOW + datetime.timedelta(days=6))
    services.mark_update(origin=services.Origin(by=teacher), mark=fresh, value=5)
    assert Mark.objects.get(pk=fresh.pk).value == 5


# --- Study periods -------------------------------------------------------------------------------------------


def test_the_sysadmin_cannot_reopen_period_marks_by_moving_a_period(
    staff, sysadmin, teacher, assignment, student, quarter1, client_for, frozen_now
):
    """The first quarter ended 25.10 (marks due 27.10, changes until 01.11): moving its end reopens nothing."""
    client = client_for(sysadmin)
    before = model_to_dict(StudyPeriod.objects.get(pk=quarter1.pk))
    for changes in (
        {"end": "2026-11-20", "marks_deadline": "2026-11-22"},  # would open both windows again
        {"marks_deadline": "2026-11-30"},  # would open entering period marks again
    ):
        response = client.post(_admin_url(StudyPeriod, "change", quarter1.pk), _form(quarter1, **changes))
        assert response.status_code == 200, changes
        assert "раздел 4" in response.content.decode()
        assert model_to_dict(StudyPeriod.objects.get(pk=quarter1.pk)) == before
    with pytest.raises(WindowClosed):
        services.period_mark_set(
            origin=services.Origin(by=teacher), student=student, subject=assignment.subject, period=quarter1, value="5"
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": "2026-10-20"}, "пересекается"),  # overlaps the first quarter
        ({"end": "2027-09-05"}, "внутри учебного года"),
    ],
)
def test_periods_stay_inside_their_year_without_overlaps(
    staff, sysadmin, quarter1, quarter, client_for, frozen_now, changes, message
):
    response = client_for(sysadmin).post(_admin_url(StudyPeriod, "change", quarter.pk), _form(quarter, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_period_is_not_moved_off_its_marks(staff, sysadmin, assignment, student, quarter, client_for, frozen_now):
    f.MarkFactory(lesson=f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 6)), student=student)
    response = client_for(sysadmin).post(
        _admin_url(StudyPeriod, "change", quarter.pk), _form(quarter, start="2026-11-09")
    )
    assert response.status_code == 200
    assert "уже есть отметки" in response.content.decode()


def test_an_open_period_may_be_extended_and_the_change_is_recorded(staff, sysadmin, quarter, client_for, frozen_now):
    response = client_for(sysadmin).post(
        _admin_url(StudyPeriod, "change", quarter.pk), _form(quarter, marks_deadline="2026-12-31")
    )
    assert response.status_code == 302
    entry = HistoryEntry.objects.filter(kind=HistoryEntry.Kind.PERIOD).latest("id")
    assert (entry.old["marks_deadline"], entry.new["marks_deadline"]) == ("2026-12-30", "2026-12-31")
    assert entry.reference == REASON
