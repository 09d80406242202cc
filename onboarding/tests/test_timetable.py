"""The timetable page: slots, conflicts, copying from another period or class; bells; the calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import Bell, Holiday, TimetableSlot, WorkdayTransfer
from journal.tests import factories as f
from onboarding import services

MONDAY = TimetableSlot.Weekday.MONDAY


def test_add_a_slot_on_the_page(client_for, deputy, quarter, assignment):
    client = client_for(deputy)
    url = f"/plan/timetable/?cls={assignment.school_class_id}&period={quarter.pk}"
    assert client.get(url).status_code == 200
    client.post(
        "/plan/timetable/",
        {
            "cls": assignment.school_class_id,
            "period": quarter.pk,
            "weekday": "1",
            "number": "2",
            "assignment": assignment.pk,
            "room": "21",
        },
    )
    slot = TimetableSlot.objects.get()
    assert (slot.period, slot.weekday, slot.number, slot.room) == (quarter, 1, 2, "21")
    page = client.get(url).content.decode()
    assert "Матем" in page and assignment.teacher.short_name in page


def test_two_lessons_of_a_class_at_once_are_refused_unless_subgroups(quarter, assignment, russian_assignment):
    services.slot_add(period=quarter, assignment=assignment, weekday=MONDAY, number=1)
    with pytest.raises(ValidationError, match="уже стоит"):
        services.slot_add(period=quarter, assignment=russian_assignment, weekday=MONDAY, number=1)
    group1 = f.StudentGroupFactory(school_class=assignment.school_class, name="Английский 1")
    group2 = f.StudentGroupFactory(school_class=assignment.school_class, name="Английский 2")
    english = f.SubjectFactory(name="Английский язык")
    a1 = f.TeachingAssignmentFactory(school_class=assignment.school_class, group=group1, subject=english)
    a2 = f.TeachingAssignmentFactory(school_class=assignment.school_class, group=group2, subject=english)
    services.slot_add(period=quarter, assignment=a1, weekday=MONDAY, number=2)
    services.slot_add(period=quarter, assignment=a2, weekday=MONDAY, number=2)
    assert TimetableSlot.objects.filter(number=2).count() == 2


def test_the_teachers_other_class_is_a_warning(quarter, assignment, class_5b):
    other = f.TeachingAssignmentFactory(teacher=assignment.teacher, school_class=class_5b)
    services.slot_add(period=quarter, assignment=assignment, weekday=MONDAY, number=1, room="21")
    _slot, warnings = services.slot_add(period=quarter, assignment=other, weekday=MONDAY, number=1, room="21")
    assert any("5Б" in w or "5А" in w for w in warnings)
    assert any("Кабинет 21" in w for w in warnings)


def test_a_senior_class_is_not_put_into_a_quarter(quarter, school, year, teacher):
    senior = f.SchoolClassFactory(school=school, year=year, grade=10, letter="А")
    math10 = f.TeachingAssignmentFactory(school_class=senior, teacher=teacher)
    with pytest.raises(ValidationError, match="полугоди"):
        services.slot_add(period=quarter, assignment=math10, weekday=MONDAY, number=1)


def test_copy_from_another_period(quarter1, quarter, assignment, russian_assignment):
    services.slot_add(period=quarter1, assignment=assignment, weekday=MONDAY, number=1, room="21")
    services.slot_add(period=quarter1, assignment=russian_assignment, weekday=MONDAY, number=2)
    school_class = assignment.school_class
    result = services.timetable_copy(
        source_period=quarter1, source_class=school_class, target_period=quarter, target_class=school_class
    )
    assert result.copied == 2 and not result.skipped
    again = services.timetable_copy(
        source_period=quarter1, source_class=school_class, target_period=quarter, target_class=school_class
    )
    assert again.copied == 0 and len(again.skipped) == 2  # already there: nothing doubled
    assert TimetableSlot.objects.filter(period=quarter).count() == 2


def test_copy_from_another_class_maps_assignments_by_subject(quarter, assignment, russian_assignment, other_assignment):
    services.slot_add(period=quarter, assignment=assignment, weekday=MONDAY, number=1, room="21")
    services.slot_add(period=quarter, assignment=russian_assignment, weekday=MONDAY, number=2)
    result = services.timetable_copy(
        source_period=quarter,
        source_class=assignment.school_class,
        target_period=quarter,
        target_class=other_assignment.school_class,
    )
    assert result.copied == 1
    assert "нет нагрузки «Русский язык»" in result.skipped[0]
    copied = TimetableSlot.objects.get(assignment__school_class=other_assignment.school_class)
    assert copied.assignment == other_assignment and copied.room == "21"


def test_bells_page(client_for, deputy, school):
    client = client_for(deputy)
    data = {
        "b-TOTAL_FORMS": "3",
        "b-INITIAL_FORMS": "0",
        "b-0-number": "1",
        "b-0-starts": "08:00",
        "b-0-ends": "08:40",
        "b-1-number": "2",
        "b-1-starts": "08:50",
        "b-1-ends": "09:30",
        "b-2-number": "",
    }
    assert client.post("/plan/bells/", data).status_code == 302
    assert list(Bell.objects.values_list("number", flat=True)) == [1, 2]
    data["b-1-starts"] = "08:30"
    response = client.post("/plan/bells/", data)
    assert "заканчивается позже" in response.content.decode()
    assert client.get("/plan/bells/").status_code == 200


def test_calendar_page(client_for, deputy, year):
    client = client_for(deputy)
    client.post(
        "/plan/calendar/",
        {"what": "holiday", "year": year.pk, "name": "Зимние каникулы", "start": "2026-12-29", "end": "2027-01-11"},
    )
    client.post("/plan/calendar/", {"what": "transfer", "year": year.pk, "date": "2026-12-26", "works_as_weekday": "1"})
    assert Holiday.objects.get().name == "Зимние каникулы"
    assert WorkdayTransfer.objects.get().date == datetime.date(2026, 12, 26)
    response = client.post(
        "/plan/calendar/", {"what": "transfer", "year": year.pk, "date": "2027-01-02", "works_as_weekday": "1"}
    )
    assert "Зимние каникулы" in response.content.decode()
    assert WorkdayTransfer.objects.count() == 1


def test_the_generate_page_previews_then_applies(client_for, deputy, quarter, assignment):
    f.TimetableSlotFactory(period=quarter, assignment=assignment, weekday=MONDAY, number=1)
    client = client_for(deputy)
    preview = client.get(f"/plan/generate/?period={quarter.pk}").content.decode()
    assert "добавить 8" in preview
    assert assignment.lessons.count() == 0
    client.post("/plan/generate/", {"period": quarter.pk, "year": quarter.year_id})
    assert assignment.lessons.count() == 8
    assert "делать ничего не нужно" in client.get(f"/plan/generate/?period={quarter.pk}").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_timetable_and_accounts_pages_cost_the_same_whatever_the_class_size(
    client_for, deputy, quarter, assignment
):
    school_class = assignment.school_class
    client = client_for(deputy)
    services.slot_add(period=quarter, assignment=assignment, weekday=MONDAY, number=1)
    f.StudentFactory(school_class=school_class)
    timetable_url = f"/plan/timetable/?cls={school_class.pk}&period={quarter.pk}"
    accounts_url = f"/plan/accounts/?cls={school_class.pk}"
    small = (_queries(client, timetable_url), _queries(client, accounts_url))
    for n in range(5):
        student = f.StudentFactory(school_class=school_class)
        f.GuardianshipFactory(student=student)
        services.slot_add(period=quarter, assignment=assignment, weekday=2 + n % 4, number=1 + n)
    assert (_queries(client, timetable_url), _queries(client, accounts_url)) == small
