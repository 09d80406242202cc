"""Separation of duties (DESIGN.md, раздел 4): the initiator, the director who approves and the one who applies
are three different people, on the pages, in the admin and in the database; the class teacher applies only on
a day the sysadmin's absence is recorded."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audit.late_changes import services
from audit.late_changes.models import ChangeTableRow, LateChangeRequest, SysadminAbsence
from journal.models import HistoryEntry, Mark, Role
from journal.tests import factories as f

from .conftest import LOCKED_DAY, MSK, NOW, apply_in_admin, change_mark, file_request, grant, page_messages

Status = LateChangeRequest.Status
TODAY = NOW.date()
APPLY_BUTTON = "Внести изменения в журнал"


def detail(client, late_request) -> str:
    return client.get(reverse("audit:late_change_detail", args=[late_request.pk])).content.decode()


def apply_as_class_teacher(client, late_request):
    return client.post(reverse("audit:late_change_apply", args=[late_request.pk]), follow=True)


def absence(by, user, first: int, last: int, basis="Приказ № 45-к (ежегодный отпуск)") -> SysadminAbsence:
    """An absence from ``first`` to ``last`` days from today, recorded through the service."""
    return services.sysadmin_absence_create(
        by=by,
        user=user,
        starts_on=TODAY + datetime.timedelta(days=first),
        ends_on=TODAY + datetime.timedelta(days=last),
        basis=basis,
    )


def assert_not_applied(late_request, mark) -> None:
    late_request.refresh_from_db()
    assert late_request.status == Status.APPROVED
    assert Mark.objects.get(pk=mark.pk).value == 5
    assert not ChangeTableRow.objects.exists()
    assert not HistoryEntry.objects.filter(source="late_change").exists()


# --- Nobody decides their own request ---------------------------------------------------------------------------


def test_the_director_does_not_decide_a_request_they_filed(client_for, deputy, director, mark):
    grant(deputy, Role.DIRECTOR)  # the deputy who is also made director files, then tries to approve
    request = file_request(deputy, change_mark(mark))
    client = client_for(deputy)

    page = detail(client, request)
    assert "Принять решение" not in page
    assert f"Заявление № {request.number} подали вы" in page
    response = client.post(
        reverse("audit:late_change_decide", args=[request.pk]), {"decision": "approve", "comment": "Да"}, follow=True
    )
    assert any("решение по собственному заявлению не принимается" in m for m in page_messages(response))
    for approve in (True, False):
        with pytest.raises(PermissionDenied, match="подали вы"):
            services.late_change_decide(request_id=request.pk, by=deputy, approve=approve, comment="Отзываю")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.approved_digest) == (Status.SUBMITTED, None, "")
    assert not HistoryEntry.objects.filter(kind="request").exists()

    # Another director decides it, on the same page.
    assert "Принять решение" in detail(client_for(director), request)
    services.late_change_decide(request_id=request.pk, by=director, approve=True)


# --- Nobody applies a request they filed or approved ------------------------------------------------------------


@pytest.fixture
def admin_sysadmin(staff_permissions):
    """``grant(user, SYSADMIN)`` plus the admin: what it takes for a user to press «apply» there."""

    def make(user):
        grant(user, Role.SYSADMIN)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return user

    return make


def test_the_initiator_does_not_apply_their_request_in_the_admin(client_for, admin_sysadmin, teacher, approved, mark):
    client = client_for(admin_sysadmin(teacher))  # the teacher who filed it holds the sysadmin's role too

    page = client.get(reverse("admin:audit_latechangerequest_change", args=[approved.pk])).content.decode()
    assert APPLY_BUTTON not in page
    assert f"Заявление № {approved.number} подали вы" in page
    (message,) = page_messages(apply_in_admin(client, approved))
    assert "подали вы: изменения по нему вносит другой сотрудник" in message
    button = client.post(reverse("admin:audit_latechangerequest_apply", args=[approved.pk]), follow=True)
    assert any("подали вы" in m for m in page_messages(button))
    assert_not_applied(approved, mark)


def test_the_director_does_not_apply_what_they_approved_in_the_admin(
    client_for, admin_sysadmin, director, approved, mark
):
    client = client_for(admin_sysadmin(director))

    page = client.get(reverse("admin:audit_latechangerequest_change", args=[approved.pk])).content.decode()
    assert APPLY_BUTTON not in page
    assert "Разрешивший изменение не вносит его в журнал сам" in page
    (message,) = page_messages(apply_in_admin(client, approved))
    assert message == "Разрешивший изменение не вносит его в журнал сам."
    assert_not_applied(approved, mark)


@pytest.fixture
def own_request(class_teacher, russian_assignment, student, director, quarter, reference_rows):
    """The class teacher's own request about a Russian mark of their class, approved by the director."""
    lesson = f.LessonFactory(assignment=russian_assignment, date=LOCKED_DAY, number=3)
    mark = f.MarkFactory(lesson=lesson, student=student, value=5, entered_by=class_teacher)
    request = file_request(class_teacher, change_mark(mark))
    return services.late_change_decide(request_id=request.pk, by=director, approve=True), mark


def test_the_class_teacher_does_not_apply_their_own_request_even_while_the_sysadmin_is_away(
    client_for, class_teacher, own_request, sysadmin_away
):
    request, mark = own_request
    client = client_for(class_teacher)
    page = detail(client, request)
    assert APPLY_BUTTON not in page
    assert f"Заявление № {request.number} подали вы" in page
    response = apply_as_class_teacher(client, request)
    assert any("подали вы" in m for m in page_messages(response))
    assert_not_applied(request, mark)
    listing = client.get(reverse("audit:late_change_list"), {"status": "submitted"}).content.decode()
    assert request.number not in listing


def test_the_database_refuses_a_decision_by_the_initiator(teacher, mark):
    request = file_request(teacher, change_mark(mark))
    decide_own = (
        "UPDATE audit_latechangerequest SET status = 'approved', decided_by_id = initiator_id, "
        "decided_at = registered_at, approved_digest = 'x' WHERE id = %s"
    )
    with (
        pytest.raises(IntegrityError, match="три разных человека"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(decide_own, [request.pk])
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["initiator_id", "decided_by_id"])
def test_the_database_refuses_an_application_by_the_initiator_or_the_approver(approved, who):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_latechangerequest SET status = 'applied', applied_by_id = {who}, "
            "applied_at = registered_at WHERE id = %s",
            [approved.pk],
        )
    approved.refresh_from_db()
    assert (approved.status, approved.applied_by) == (Status.APPROVED, None)


# --- The class teacher applies only on a day the sysadmin's absence is recorded ----------------------------------


def test_the_class_teacher_does_not_apply_while_the_sysadmin_is_at_work(
    client_for, class_teacher, sysadmin, approved, mark
):
    client = client_for(class_teacher)
    page = detail(client, approved)
    assert APPLY_BUTTON not in page
    assert "28.11.2026 системный администратор на работе (Соколов А. Н.)" in page
    response = apply_as_class_teacher(client, approved)
    assert any(
        "системный администратор на работе (Соколов А. Н.): изменения вносит он" in m for m in page_messages(response)
    )
    with pytest.raises(PermissionDenied, match="на работе"):
        services.late_change_apply(request_id=approved.pk, by=class_teacher)
    assert_not_applied(approved, mark)
    listing = client.get(reverse("audit:late_change_list")).content.decode()
    assert "системный администратор на работе" in listing


def test_the_director_records_the_absence_and_the_class_teacher_applies(
    client_for, director, class_teacher, sysadmin, approved, mark
):
    client = client_for(director)
    url = reverse("audit:sysadmin_absences")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "user": sysadmin.pk,
            "starts_on": "2026-11-28",
            "ends_on": "2026-12-04",
            "basis": "Листок нетрудоспособности № 910022",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    absence = SysadminAbsence.objects.get()
    assert (absence.user, absence.starts_on, absence.ends_on, absence.recorded_by) == (
        sysadmin,
        TODAY,
        datetime.date(2026, 12, 4),
        director,
    )
    entry = HistoryEntry.objects.get(kind="absence")
    assert (entry.user, entry.action, entry.object_id, entry.old) == (director, "create", absence.pk, None)
    assert entry.new == {
        "user": sysadmin.pk,
        "starts_on": "2026-11-28",
        "ends_on": "2026-12-04",
        "returned_on": None,
        "basis": "Листок нетрудоспособности № 910022",
    }
    page = client.get(url).content.decode()
    assert "Листок нетрудоспособности № 910022" in page and "идёт" in page

    teacher_client = client_for(class_teacher)
    page = detail(teacher_client, approved)
    assert APPLY_BUTTON in page
    assert "системный администратор отсутствует" in page
    response = apply_as_class_teacher(teacher_client, approved)
    assert any("внесены в журнал" in m for m in page_messages(response))
    assert Mark.objects.get(pk=mark.pk).value == 4
    assert ChangeTableRow.objects.get().applied_by == class_teacher


def test_ending_the_absence_early_takes_the_right_back(
    client_for, deputy, class_teacher, approved, mark, sysadmin_away
):
    response = client_for(deputy).post(reverse("audit:sysadmin_absence_end", args=[sysadmin_away.pk]))
    assert response.status_code == 302
    sysadmin_away.refresh_from_db()
    assert (sysadmin_away.returned_on, sysadmin_away.ended_by) == (TODAY, deputy)
    entry = HistoryEntry.objects.filter(kind="absence").latest("id")
    assert (entry.user, entry.action) == (deputy, "update")
    assert (entry.old["returned_on"], entry.new["returned_on"]) == (None, "2026-11-28")
    assert entry.old["ends_on"] == entry.new["ends_on"] == "2026-12-03"

    assert APPLY_BUTTON not in detail(client_for(class_teacher), approved)
    apply_as_class_teacher(client_for(class_teacher), approved)
    assert_not_applied(approved, mark)
    again = client_for(deputy).post(reverse("audit:sysadmin_absence_end", args=[sysadmin_away.pk]), follow=True)
    assert any("уже закончилось" in m for m in page_messages(again))


def _at_work(director, sysadmin):
    return None


def _away_today(director, sysadmin):
    absence(director, sysadmin, 0, 0)


def _away_around_today(director, sysadmin):
    absence(director, sysadmin, -3, 3)


def _back_yesterday(director, sysadmin):
    absence(director, sysadmin, -5, -1)


def _away_from_tomorrow(director, sysadmin):
    absence(director, sysadmin, 1, 5)


def _back_early_today(director, sysadmin):
    services.sysadmin_absence_end(by=director, absence_id=absence(director, sysadmin, -3, 3).pk)


@pytest.mark.parametrize(
    "situation, allowed",
    [
        (_at_work, False),
        (_away_today, True),
        (_away_around_today, True),
        (_back_yesterday, False),
        (_away_from_tomorrow, False),
        (_back_early_today, False),
    ],
)
def test_the_request_page_and_applying_agree_on_the_day(
    client_for, director, class_teacher, sysadmin, approved, situation, allowed
):
    situation(director, sysadmin)
    client = client_for(class_teacher)
    assert (APPLY_BUTTON in detail(client, approved)) is allowed
    apply_as_class_teacher(client, approved)
    approved.refresh_from_db()
    assert (approved.status == Status.APPLIED) is allowed


@pytest.mark.parametrize(
    "moment, allowed",
    [
        (datetime.datetime(2026, 11, 28, 23, 59, 59, tzinfo=MSK), True),  # the last second of the absence
        (datetime.datetime(2026, 11, 29, 0, 0, 0, tzinfo=MSK), False),  # the first second after it
        (datetime.datetime(2026, 11, 27, 23, 59, 59, tzinfo=MSK), False),  # the last second before it
    ],
)
def test_an_absence_covers_whole_days_in_school_time(director, class_teacher, sysadmin, approved, moment, allowed):
    absence(director, sysadmin, 0, 0)
    with time_machine.travel(moment, tick=False):
        check = services.applier_check(approved, class_teacher, day=datetime.date.today())
        assert check.allowed is allowed
        if allowed:
            services.late_change_apply(request_id=approved.pk, by=class_teacher)
        else:
            with pytest.raises(PermissionDenied):
                services.late_change_apply(request_id=approved.pk, by=class_teacher)


def test_every_sysadmin_must_be_away(director, class_teacher, sysadmin, approved):
    second = f.UserFactory(
        username="sysadmin2", surname="Орлов", name="Павел", patronymic="Ильич", roles=[Role.SYSADMIN]
    )
    absence(director, sysadmin, -1, 1)
    with pytest.raises(PermissionDenied, match=r"на работе \(Орлов П. И.\)"):
        services.late_change_apply(request_id=approved.pk, by=class_teacher)
    absence(director, second, 0, 2, basis="Командировка, приказ № 50-к")
    services.late_change_apply(request_id=approved.pk, by=class_teacher)


def test_who_counts_as_the_sysadmin(director, class_teacher, sysadmin, approved, mark):
    """A superuser without the role does not count (and still applies); an inactive sysadmin does not count."""
    owner = f.UserFactory(username="owner", is_superuser=True, is_staff=True)
    sysadmin.is_active = False
    sysadmin.save(update_fields=["is_active"])
    assert services.applier_check(approved, class_teacher, day=TODAY).allowed
    assert services.applier_check(approved, owner, day=TODAY).allowed
    services.late_change_apply(request_id=approved.pk, by=owner)
    assert Mark.objects.get(pk=mark.pk).value == 4


def test_with_no_sysadmin_at_all_the_class_teacher_applies(client_for, class_teacher, approved):
    page = detail(client_for(class_teacher), approved)
    assert "в школе нет системного администратора" in page
    assert APPLY_BUTTON in page


def test_the_sysadmin_applies_while_away_too(sysadmin, approved, sysadmin_away):
    services.late_change_apply(request_id=approved.pk, by=sysadmin)
    approved.refresh_from_db()
    assert approved.applied_by == sysadmin


# --- Who records an absence, and what is refused ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "class_teacher", "sysadmin", "parent"])
def test_only_the_director_and_the_deputy_record_absences(request, client_for, sysadmin, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("audit:sysadmin_absences")).status_code == 403
    data = {"user": sysadmin.pk, "starts_on": "2026-11-28", "ends_on": "2026-11-30", "basis": "Отпуск"}
    assert client.post(reverse("audit:sysadmin_absences"), data).status_code == 403
    with pytest.raises(PermissionDenied):
        absence(user, sysadmin, 0, 1)
    assert not SysadminAbsence.objects.exists()


def test_the_late_change_pages_link_the_absences_for_the_director_and_the_deputy(client_for, director, deputy, teacher):
    link = reverse("audit:sysadmin_absences")
    for user in (director, deputy):
        assert link in client_for(user).get(reverse("audit:late_change_list")).content.decode()
    assert link not in client_for(teacher).get(reverse("audit:late_change_list")).content.decode()


def test_an_absence_is_recorded_only_for_a_sysadmin_by_someone_else(client_for, director, deputy, teacher, sysadmin):
    superuser = f.UserFactory(username="owner", is_superuser=True, is_staff=True)
    page = client_for(director).post(
        reverse("audit:sysadmin_absences"),
        {"user": teacher.pk, "starts_on": "2026-11-28", "ends_on": "2026-11-30", "basis": "Отпуск"},
    )
    assert page.status_code == 200 and "Выберите корректный вариант" in page.content.decode()
    for user in (teacher, superuser):
        with pytest.raises(ValidationError, match="не системный администратор"):
            absence(director, user, 0, 1)
    grant(deputy, Role.SYSADMIN)
    with pytest.raises(ValidationError, match="Собственное отсутствие"):
        absence(deputy, deputy, 0, 1)
    with pytest.raises(ValidationError, match="раньше даты начала"):
        absence(director, sysadmin, 2, 1)
    with pytest.raises(ValidationError, match="основание"):
        absence(director, sysadmin, 0, 1, basis="  ")
    absence(director, sysadmin, 0, 3)
    with pytest.raises(ValidationError, match="уже записано"):
        absence(director, sysadmin, 3, 5)
    absence(director, sysadmin, 4, 5)  # the next days are free
    assert SysadminAbsence.objects.count() == 2


def test_absences_are_read_only_in_the_admin(client_for, deputy, director, sysadmin, sysadmin_away):
    group, _ = Group.objects.get_or_create(name=Role.DEPUTY.value)
    group.permissions.add(Permission.objects.get(content_type__app_label="audit", codename="view_sysadminabsence"))
    client = client_for(deputy)
    changelist = client.get(reverse("admin:audit_sysadminabsence_changelist"))
    assert changelist.status_code == 200 and "Соколов" in changelist.content.decode()
    assert client.get(reverse("admin:audit_sysadminabsence_add")).status_code == 403
    change_url = reverse("admin:audit_sysadminabsence_change", args=[sysadmin_away.pk])
    assert client.get(change_url).status_code == 200
    response = client.post(change_url, {"user": sysadmin.pk, "starts_on": "2026-11-01", "ends_on": "2027-06-30"})
    assert response.status_code == 403
    sysadmin_away.refresh_from_db()
    assert sysadmin_away.ends_on == datetime.date(2026, 12, 3)
