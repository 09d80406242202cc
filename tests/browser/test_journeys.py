"""Journeys through the site in a real browser: a parent on a phone, the deputy's dashboard, a late change."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from audit.late_changes import services as late_changes
from audit.late_changes.models import ChangeTableRow, LateChangeRequest
from journal import caches, reference
from journal.models import EditWindow, Guardianship, HistoryHead, Mark, Role, WorkType
from journal.tests import factories as f
from journal.tests.cast import TODAY

from .conftest import login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def reference_rows(db):
    reference.seed_work_types(WorkType)
    reference.seed_windows(EditWindow)
    reference.seed_history_head(HistoryHead)
    caches.clear()


def test_a_parent_reads_two_childrens_diaries_on_a_phone(page, parent, student, other_student, assignment, quarter):
    today = TODAY
    sister = f.StudentFactory(school_class=student.school_class, user__surname="Лебедев", user__name="Иван")
    f.GuardianshipFactory(parent=parent, student=sister, kind=Guardianship.Kind.MOTHER)
    lesson = f.LessonFactory(assignment=assignment, date=today, number=1, topic="Дроби", homework="Упр. 245 (устно)")
    f.MarkFactory(lesson=lesson, student=student, value=4, entered_by=assignment.teacher)
    f.MarkFactory(lesson=lesson, student=sister, value=3, entered_by=assignment.teacher)

    page.set_viewport_size(PHONE)
    login(page, parent.username)
    assert page.url.endswith("/diary/")  # two children: the choice comes first
    page.get_by_text("Лебедева Мария").click()
    page.wait_for_url(f"**/diary/{student.pk}/week/**")
    assert "Упр. 245 (устно)" in page.content()
    # the page fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.goto(f"{page.base_url}/diary/{student.pk}/marks/")
    assert page.locator(".dl-marks").first.inner_text().strip()[:1] == "4"  # the mark, then its work type

    page.goto(f"{page.base_url}/diary/")
    page.get_by_text("Лебедев Иван").click()
    page.wait_for_url(f"**/diary/{sister.pk}/week/**")
    assert "Упр. 245 (устно)" in page.content()
    page.goto(f"{page.base_url}/diary/{sister.pk}/marks/")
    assert page.locator(".dl-marks").first.inner_text().strip()[:1] == "3"

    # someone else's child, by editing the address: not found, and nothing of theirs on the page
    response = page.goto(f"{page.base_url}/diary/{other_student.pk}/week/")
    assert response.status == 404
    assert other_student.user.surname not in page.content()


def test_the_deputy_drills_down_and_exports(page, deputy, teacher, assignment, student, quarter, reference_rows):
    f.LessonFactory(assignment=assignment, date=quarter.start + datetime.timedelta(days=4), number=1, topic="")
    call_command("run_compliance_checks")
    login(page, deputy.username)
    page.goto(f"{page.base_url}/audit/")
    page.locator("a[href^='/audit/criterion/topics/']").first.click()
    page.wait_for_url("**/audit/criterion/topics/**")
    assert page.locator("h1").count() == 1
    with page.expect_download() as download:
        page.locator("a[href='?format=xlsx']").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")


@pytest.fixture
def sysadmin_may_apply(db):
    group, _ = Group.objects.get_or_create(name=Role.SYSADMIN.value)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="audit",
            codename__in=["view_latechangerequest", "apply_latechangerequest", "view_changetablerow"],
        )
    )


def test_a_late_change_from_the_request_to_the_change_table(
    page, teacher, director, sysadmin, deputy, student, assignment, quarter, reference_rows, sysadmin_may_apply
):
    locked = f.LessonFactory(assignment=assignment, date=TODAY - datetime.timedelta(days=12), number=2)
    mark = f.MarkFactory(lesson=locked, student=student, value=5, entered_by=teacher)
    document = late_changes.DocumentInput(
        kind="Медицинская справка", number="0457", date=locked.date, issuer="ГБУЗ «Детская поликлиника № 3»"
    )
    entry = late_changes.EntryInput(
        kind="mark", action="change", lesson_id=locked.pk, student_id=student.pk, target_id=mark.pk, value="4"
    )
    request = late_changes.late_change_submit(
        initiator=teacher, reason="student_absence", document=document, entries=[entry], comment="Болела"
    )

    login(page, director.username)
    page.goto(f"{page.base_url}/audit/changes/{request.pk}/")
    decision = page.locator("[name=decision]")
    if decision.first.evaluate("e => e.tagName") == "SELECT":
        decision.select_option("approve")
    else:
        page.check("input[name=decision][value=approve]")
    page.click("text=Принять решение")
    page.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == LateChangeRequest.Status.APPROVED

    page.context.clear_cookies()
    login(page, sysadmin.username)
    page.goto(f"{page.base_url}/admin/audit/latechangerequest/")
    page.check(f"input[name=_selected_action][value='{request.pk}']")
    page.select_option("select[name=action]", "apply_requests")
    page.click("button[name=index], input[name=index]")
    page.wait_for_load_state()
    assert Mark.objects.get(pk=mark.pk).value == 4
    assert ChangeTableRow.objects.filter(request=request).exists()

    page.context.clear_cookies()
    login(page, deputy.username)
    page.goto(f"{page.base_url}/audit/changes/table/?class={student.school_class_id}&period={quarter.pk}")
    assert request.number in page.content()
