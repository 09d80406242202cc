"""Every named rule the database keeps refuses a bad row — and accepts a good one next to it.

Each test first writes a valid row (so a constraint that refused everything would fail the test), then
the bad one inside ``transaction.atomic`` and expects the named constraint or trigger in the error.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction

from journal.history import history_record
from journal.models import (
    AcademicYear,
    Attendance,
    Bell,
    EditWindow,
    Guardianship,
    HistoryEntry,
    HistoryHead,
    Lesson,
    LessonAdjustment,
    PeriodMark,
    StudyPeriod,
    TimetableSlot,
)

from . import factories as f

pytestmark = pytest.mark.usefixtures("db")

CONSTRAINTS = {
    constraint.name: constraint
    for model in apps.get_models()
    if model._meta.app_label in {"journal", "audit"}
    for constraint in model._meta.constraints
}


@contextmanager
def refused(name: str):
    """The block fails with an ``IntegrityError`` naming ``name``.

    SQLite names CHECK constraints and our triggers in its messages, but reports a unique violation by
    its columns only («UNIQUE constraint failed: …»); PostgreSQL names every constraint.
    """
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    message = str(error.value)
    if connection.vendor == "sqlite" and isinstance(CONSTRAINTS.get(name), models.UniqueConstraint):
        assert "UNIQUE constraint failed" in message
    else:
        assert name in message


def test_every_named_constraint_of_the_journal_has_a_test():
    """A new constraint on a journal model comes with a test that it refuses a bad row (here or elsewhere)."""
    root = Path(__file__).resolve().parents[2]
    sources = "".join(
        path.read_text(encoding="utf-8")
        for app in ("journal", "audit", "diary")
        for path in root.glob(f"{app}/**/test_*.py")
    )
    journal = {name for name, constraint in CONSTRAINTS.items() if name.startswith("journal_")}
    assert sorted(name for name in journal if f'refused("{name}")' not in sources) == []


# Marks, attendance, period marks -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6])
def test_mark_value_outside_1_to_5(bad):
    lesson = f.LessonFactory()
    f.MarkFactory(lesson=lesson, value=1)
    f.MarkFactory(lesson=lesson, value=5)
    with refused("journal_mark_value_range"):
        f.MarkFactory(lesson=lesson, value=bad)


@pytest.mark.parametrize(("value", "passed"), [(5, True), (None, None)])
def test_mark_is_either_a_value_or_a_pass(value, passed):
    lesson = f.LessonFactory()
    f.MarkFactory(lesson=lesson, value=4, passed=None)
    f.MarkFactory(lesson=lesson, value=None, passed=False)
    with refused("journal_mark_value_or_pass"):
        f.MarkFactory(lesson=lesson, value=value, passed=passed)


def test_mark_weight_must_be_positive():
    lesson = f.LessonFactory()
    f.MarkFactory(lesson=lesson, weight=Decimal("0.5"))
    f.MarkFactory(lesson=lesson, weight=Decimal("10"))
    with refused("journal_mark_weight_range"):
        f.MarkFactory(lesson=lesson, weight=Decimal("0"))


def test_one_attendance_row_per_student_and_lesson():
    first = f.AttendanceFactory()
    f.AttendanceFactory(student=first.student, lesson=f.LessonFactory(assignment=first.lesson.assignment))
    with refused("journal_attendance_one_per_lesson"):
        f.AttendanceFactory(student=first.student, lesson=first.lesson, code=Attendance.Code.ILL)


def test_attendance_code_is_one_of_the_four():
    assignment = f.TeachingAssignmentFactory()
    for code in Attendance.Code:
        f.AttendanceFactory(lesson=f.LessonFactory(assignment=assignment), code=code)
    with refused("journal_attendance_code_valid"):
        f.AttendanceFactory(lesson=f.LessonFactory(assignment=assignment), code="X")


def test_period_mark_value_is_one_of_the_list():
    f.PeriodMarkFactory(value=PeriodMark.Value.NOT_ATTESTED)
    with refused("journal_periodmark_value_valid"):
        f.PeriodMarkFactory(value="6")


def test_one_period_mark_per_student_subject_and_period():
    first = f.PeriodMarkFactory()
    other_period = f.StudyPeriodFactory(year=first.period.year, first_quarter=True)
    f.PeriodMarkFactory(student=first.student, subject=first.subject, period=other_period)
    with refused("journal_periodmark_unique"):
        f.PeriodMarkFactory(student=first.student, subject=first.subject, period=first.period, value="4")


# Calendar ----------------------------------------------------------------------------------------------------


def test_academic_year_rules():
    f.AcademicYearFactory()
    next_year = AcademicYear.objects.create(
        start=datetime.date(2027, 9, 1), end=datetime.date(2028, 5, 31), marks_deadline=datetime.date(2027, 9, 1)
    )
    with refused("journal_academicyear_start_before_end"):
        AcademicYear.objects.create(
            start=datetime.date(2028, 9, 1), end=datetime.date(2028, 9, 1), marks_deadline=datetime.date(2028, 9, 1)
        )
    with refused("journal_academicyear_deadline_after_start"):
        AcademicYear.objects.create(
            start=datetime.date(2028, 9, 1), end=datetime.date(2029, 5, 31), marks_deadline=datetime.date(2028, 8, 31)
        )
    with refused("journal_academicyear_start_unique"):
        AcademicYear.objects.create(start=next_year.start, end=next_year.end, marks_deadline=next_year.end)


def _period(year, **fields):
    values = {
        "kind": StudyPeriod.Kind.QUARTER,
        "number": 3,
        "start": datetime.date(2027, 1, 11),
        "end": datetime.date(2027, 3, 20),
        "marks_deadline": datetime.date(2027, 3, 22),
    }
    return StudyPeriod.objects.create(year=year, **(values | fields))


def test_study_period_start_not_after_end():
    year = f.AcademicYearFactory()
    _period(year, start=datetime.date(2027, 3, 20), end=datetime.date(2027, 3, 20))
    with refused("journal_studyperiod_start_before_end"):
        _period(year, number=4, start=datetime.date(2027, 3, 21), end=datetime.date(2027, 3, 20))


def test_study_period_deadline_not_before_start():
    year = f.AcademicYearFactory()
    _period(year, marks_deadline=datetime.date(2027, 1, 11))
    with refused("journal_studyperiod_deadline_after_start"):
        _period(year, number=4, marks_deadline=datetime.date(2027, 1, 10))


def test_study_period_number_1_to_4():
    year = f.AcademicYearFactory()
    _period(year, number=4)
    with refused("journal_studyperiod_number_range"):
        _period(year, number=5)


def test_one_study_period_per_year_kind_and_number():
    year = f.AcademicYearFactory()
    _period(year, number=3)
    _period(year, kind=StudyPeriod.Kind.HALF, number=2)
    with refused("journal_studyperiod_unique"):
        _period(year, number=3)


def test_holiday_start_not_after_end():
    f.HolidayFactory(start=datetime.date(2026, 12, 31), end=datetime.date(2026, 12, 31))
    with refused("journal_holiday_start_before_end"):
        f.HolidayFactory(start=datetime.date(2027, 1, 9), end=datetime.date(2027, 1, 8))


def test_bell_rules():
    school = f.SchoolFactory()
    f.BellFactory(school=school, number=1)
    with refused("journal_bell_unique"):
        Bell.objects.create(school=school, number=1, starts=datetime.time(9, 0), ends=datetime.time(9, 40))
    with refused("journal_bell_starts_before_ends"):
        Bell.objects.create(school=school, number=2, starts=datetime.time(9, 40), ends=datetime.time(9, 40))


def test_one_workday_transfer_per_date():
    transfer = f.WorkdayTransferFactory()
    f.WorkdayTransferFactory(year=transfer.year, date=datetime.date(2027, 2, 20))
    with refused("journal_workdaytransfer_unique"):
        f.WorkdayTransferFactory(year=transfer.year, date=transfer.date, works_as_weekday=2)


@pytest.mark.parametrize("bad", [0, 7])
def test_workday_transfer_weekday_monday_to_saturday(bad):
    f.WorkdayTransferFactory(works_as_weekday=TimetableSlot.Weekday.SATURDAY)
    with refused("journal_workdaytransfer_weekday_range"):
        f.WorkdayTransferFactory(date=datetime.date(2027, 2, 20), works_as_weekday=bad)


# Classes, assignments, timetable, КТП -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 12])
def test_class_grade_1_to_11(bad):
    f.SchoolClassFactory(grade=1, letter="А")
    f.SchoolClassFactory(grade=11, letter="А")
    with refused("journal_schoolclass_grade_range"):
        f.SchoolClassFactory(grade=bad, letter="А")


def test_one_class_per_school_year_grade_and_letter():
    first = f.SchoolClassFactory(grade=5, letter="А")
    next_year = AcademicYear.objects.create(
        start=datetime.date(2027, 9, 1), end=datetime.date(2028, 5, 31), marks_deadline=datetime.date(2028, 5, 31)
    )
    f.SchoolClassFactory(school=first.school, year=next_year, grade=5, letter="А")
    with refused("journal_schoolclass_unique"):
        f.SchoolClassFactory(school=first.school, year=first.year, grade=5, letter="А")


def test_one_group_name_per_class():
    group = f.StudentGroupFactory(name="Группа 1")
    f.StudentGroupFactory(school_class=group.school_class, name="Группа 2")
    with refused("journal_studentgroup_unique"):
        f.StudentGroupFactory(school_class=group.school_class, name="Группа 1")


def test_one_whole_class_assignment_per_class_and_subject():
    first = f.TeachingAssignmentFactory()
    group = f.StudentGroupFactory(school_class=first.school_class)
    f.TeachingAssignmentFactory(school_class=first.school_class, subject=first.subject, group=group)
    with refused("journal_assignment_class_subject_unique"):
        f.TeachingAssignmentFactory(school_class=first.school_class, subject=first.subject)


def test_one_group_assignment_per_group_and_subject():
    group = f.StudentGroupFactory()
    first = f.TeachingAssignmentFactory(school_class=group.school_class, group=group)
    f.TeachingAssignmentFactory(school_class=group.school_class, subject=first.subject)
    with refused("journal_assignment_group_subject_unique"):
        f.TeachingAssignmentFactory(school_class=group.school_class, group=group, subject=first.subject)


def test_assignment_hours_positive():
    f.TeachingAssignmentFactory(hours_per_week=Decimal("0.5"))
    with refused("journal_assignment_hours_positive"):
        f.TeachingAssignmentFactory(hours_per_week=Decimal("0"))


def test_slot_weekday_monday_to_saturday():
    assignment = f.TeachingAssignmentFactory()
    f.TimetableSlotFactory(assignment=assignment, weekday=TimetableSlot.Weekday.SATURDAY)
    with refused("journal_slot_weekday_range"):
        f.TimetableSlotFactory(assignment=assignment, weekday=7)


def test_slot_number_0_to_10():
    assignment = f.TeachingAssignmentFactory()
    f.TimetableSlotFactory(assignment=assignment, number=0)
    f.TimetableSlotFactory(assignment=assignment, number=10)
    with refused("journal_slot_number_range"):
        f.TimetableSlotFactory(assignment=assignment, number=11)


def test_one_slot_per_period_assignment_weekday_and_number():
    slot = f.TimetableSlotFactory(weekday=1, number=2)
    f.TimetableSlotFactory(period=slot.period, assignment=slot.assignment, weekday=1, number=3)
    with refused("journal_slot_unique"):
        f.TimetableSlotFactory(period=slot.period, assignment=slot.assignment, weekday=1, number=2)


def test_planned_topic_rules():
    topic = f.PlannedTopicFactory(position=1, hours=1)
    f.PlannedTopicFactory(assignment=topic.assignment, position=2, hours=2)
    with refused("journal_plannedtopic_position_unique"):
        f.PlannedTopicFactory(assignment=topic.assignment, position=1)
    with refused("journal_plannedtopic_hours_positive"):
        f.PlannedTopicFactory(assignment=topic.assignment, position=3, hours=0)


# Lessons -----------------------------------------------------------------------------------------------------


def test_lesson_number_0_to_10():
    assignment = f.TeachingAssignmentFactory()
    f.LessonFactory(assignment=assignment, number=0)
    f.LessonFactory(assignment=assignment, number=10)
    with refused("journal_lesson_number_range"):
        f.LessonFactory(assignment=assignment, number=11)


def test_one_lesson_per_assignment_date_and_number():
    lesson = f.LessonFactory(number=2)
    f.LessonFactory(assignment=lesson.assignment, date=lesson.date, number=3)
    with refused("journal_lesson_unique_slot"):
        f.LessonFactory(assignment=lesson.assignment, date=lesson.date, number=2)


@pytest.mark.parametrize("outside", [datetime.date(2026, 8, 31), datetime.date(2027, 6, 1)])
def test_lesson_date_inside_the_academic_year_on_insert(outside):
    assignment = f.TeachingAssignmentFactory()
    f.LessonFactory(assignment=assignment, date=f.YEAR_START)
    f.LessonFactory(assignment=assignment, date=f.YEAR_END)
    with refused("journal_lesson_date_in_year"):
        f.LessonFactory(assignment=assignment, date=outside)


def test_lesson_date_inside_the_academic_year_on_update():
    lesson = f.LessonFactory()
    Lesson.objects.filter(pk=lesson.pk).update(date=f.YEAR_END)
    with refused("journal_lesson_date_in_year"):
        Lesson.objects.filter(pk=lesson.pk).update(date=datetime.date(2027, 6, 1))
    lesson.refresh_from_db()
    lesson.date = datetime.date(2026, 8, 31)
    with refused("journal_lesson_date_in_year"):
        lesson.save()
    assert Lesson.objects.get(pk=lesson.pk).date == f.YEAR_END


def test_lesson_moved_to_an_assignment_of_another_year():
    lesson = f.LessonFactory()
    next_year = AcademicYear.objects.create(
        start=datetime.date(2027, 9, 1), end=datetime.date(2028, 5, 31), marks_deadline=datetime.date(2028, 5, 31)
    )
    same_year = f.TeachingAssignmentFactory(school_class__year=lesson.assignment.school_class.year)
    other_year = f.TeachingAssignmentFactory(school_class__year=next_year)
    Lesson.objects.filter(pk=lesson.pk).update(assignment=same_year)
    with refused("journal_lesson_date_in_year"):
        Lesson.objects.filter(pk=lesson.pk).update(assignment=other_year)


def test_moved_lesson_keeps_its_timetable_place():
    f.LessonAdjustmentFactory(kind=LessonAdjustment.Kind.MOVED)
    f.LessonAdjustmentFactory(kind=LessonAdjustment.Kind.ADDED)
    for missing in ({"original_date": None}, {"original_number": None}):
        with refused("journal_lessonadjustment_moved_has_origin"):
            f.LessonAdjustmentFactory(kind=LessonAdjustment.Kind.MOVED, **missing)


# People --------------------------------------------------------------------------------------------------------


def test_record_number_unique_when_given():
    first = f.StudentFactory(record_number="ЛД-0100")
    f.StudentFactory(record_number="")
    f.StudentFactory(record_number="")
    with refused("journal_student_record_number_unique"):
        f.StudentFactory(record_number=first.record_number)


def test_one_open_guardianship_per_parent_and_student():
    ended = f.GuardianshipFactory(status=Guardianship.Status.ENDED)
    f.GuardianshipFactory(parent=ended.parent, student=ended.student, status=Guardianship.Status.ACTIVE)
    for status in (Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE):
        with refused("journal_guardianship_one_open_per_pair"):
            f.GuardianshipFactory(parent=ended.parent, student=ended.student, status=status)


def test_ended_guardianship_has_its_date():
    f.GuardianshipFactory(status=Guardianship.Status.ENDED)
    with refused("journal_guardianship_ended_has_date"):
        f.GuardianshipFactory(status=Guardianship.Status.ENDED, ended_at=None)


# Work types, edit windows, history ---------------------------------------------------------------------------------


def test_only_one_default_work_type():
    f.WorkTypeFactory(name="Ответ на уроке", is_default=True)  # from the data migration, or made here
    f.WorkTypeFactory(name="Устный опрос", is_default=False)
    with refused("journal_worktype_one_default"):
        f.WorkTypeFactory(name="Работа на уроке", is_default=True)


def test_work_type_weight_range():
    f.WorkTypeFactory(name="Итоговая работа", weight=Decimal("10"))
    with refused("journal_worktype_weight_range"):
        f.WorkTypeFactory(name="Работа без веса", weight=Decimal("0"))


def _window(**fields) -> EditWindow:
    values = {
        "name": "Проверочное правило",
        "entry": EditWindow.Entry.MARK,
        "create_anchor": EditWindow.Anchor.LESSON_DATE,
        "create_days": 10,
        "change_anchor": EditWindow.Anchor.LESSON_DATE,
        "change_days": 2,
    }
    return EditWindow.objects.create(**(values | fields))


def test_edit_window_grades():
    _window(min_grade=10, max_grade=11)
    for min_grade, max_grade in ((0, 11), (5, 12), (9, 8)):
        with refused("audit_editwindow_grades"):
            _window(min_grade=min_grade, max_grade=max_grade)


def test_edit_window_days_not_negative():
    _window(create_days=0, change_days=0)
    with refused("audit_editwindow_days_nonnegative"):
        _window(change_days=-1)


def test_history_head_is_a_single_row():
    HistoryHead.objects.get_or_create(id=1)
    with refused("audit_historyhead_singleton"):
        HistoryHead.objects.create(id=2)


def _history_entry(**fields) -> HistoryEntry:
    values = {"user": None, "source": "command", "kind": "mark", "action": "create", "object_id": 1}
    with transaction.atomic():
        return history_record(**(values | fields), new={"value": 5})


APPEND_ONLY = "audit_historyentry: таблица только дополняется"


@contextmanager
def refused_by_history():
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        yield


def test_history_accepts_new_rows():
    first = _history_entry()
    second = _history_entry(object_id=2)
    assert HistoryEntry.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_historyentry SET reference = 'подделка' WHERE id = %s",
        "DELETE FROM audit_historyentry WHERE id = %s",
    ],
)
def test_history_refuses_raw_update_and_delete(sql):
    entry = _history_entry()
    with refused_by_history(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert HistoryEntry.objects.get(pk=entry.pk).reference == ""


def test_history_refuses_orm_update_and_delete():
    entry = _history_entry()
    with refused_by_history():
        HistoryEntry.objects.filter(pk=entry.pk).update(new={"value": 2})
    with refused_by_history():
        HistoryEntry.objects.filter(pk=entry.pk).delete()
    with refused_by_history():
        entry.delete()
    stored = HistoryEntry.objects.get(pk=entry.pk)
    assert stored.new == {"value": 5}
    assert stored.compute_hash() == stored.hash


@pytest.mark.postgres
def test_postgres_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)",
            [["journal_lesson_date_in_year", "audit_historyentry_no_change", "audit_historyentry_no_truncate"]],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"journal_lesson_date_in_year", "audit_historyentry_no_change", "audit_historyentry_no_truncate"}
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of the insert below would make PostgreSQL refuse TRUNCATE for
        # another reason («pending trigger events»); checked at once, only our trigger is left to refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _history_entry()
    count = HistoryEntry.objects.count()
    with refused_by_history(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_historyentry CASCADE")
    assert HistoryEntry.objects.count() == count > 0
