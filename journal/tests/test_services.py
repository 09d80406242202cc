"""The journal's one write path: every change goes with its history entry; bad input changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from journal import services
from journal.models import Attendance, HistoryEntry, Lesson, Mark, PeriodMark, WorkType
from journal.tests import factories as f
from journal.tests.factories import journal_entries

MSK = ZoneInfo("Europe/Moscow")
DAY = datetime.date(2026, 11, 16)
AT = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)


@pytest.fixture
def lesson(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=DAY, topic="", homework="")


@pytest.fixture
def origin(teacher):
    return services.Origin(by=teacher, at=AT)


def save(origin, lesson, student, text, expected=""):
    return services.cell_save(origin=origin, lesson=lesson, student_id=student.pk, text=text, expected=expected)


def snapshot():
    return (
        list(Mark.objects.values_list("id", "value", "version")),
        list(Attendance.objects.values_list("id", "code")),
        journal_entries().count(),
    )


def test_cell_save_writes_marks_and_attendance_with_history(origin, lesson, student, teacher):
    state = save(origin, lesson, student, "5 4 н")
    assert [m.value for m in state.marks] == [5, 4]
    assert state.attendance.code == "Н"
    entries = list(journal_entries().order_by("id"))
    assert [(e.kind, e.action) for e in entries] == [("mark", "create"), ("mark", "create"), ("attendance", "create")]
    assert all(e.user_id == teacher.pk and e.source == "grid" for e in entries)
    assert entries[0].new["value"] == 5 and entries[0].old is None


def test_cell_save_changes_and_removes_in_order(origin, lesson, student):
    state = save(origin, lesson, student, "5 4")
    state = save(origin, lesson, student, "3", expected=state.token)
    assert [m.value for m in Mark.objects.order_by("entered_at", "id")] == [3]
    update, delete = journal_entries().order_by("-id")[:2][::-1]
    assert (update.action, update.old["value"], update.new["value"]) == ("update", 5, 3)
    assert (delete.action, delete.old["value"], delete.new) == ("delete", 4, None)
    save(origin, lesson, student, "", expected=state.token)
    assert not Mark.objects.exists()


@pytest.mark.parametrize("text", ["0", "6", "7", "пять", "X", "5 Н Б", "54", "5 4 3 2 5"])
def test_bad_cell_input_is_refused_and_changes_nothing(origin, lesson, student, text):
    token = save(origin, lesson, student, "4").token
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        save(origin, lesson, student, text, expected=token)
    assert error.value.messages[0]  # a Russian reason
    assert snapshot() == before


def test_mark_one_only_where_the_school_uses_it(origin, lesson, student):
    with pytest.raises(ValidationError, match="допустимы 2–5"):
        save(origin, lesson, student, "1")
    lesson.assignment.school_class.school.uses_mark_one = True
    lesson.assignment.school_class.school.save()
    lesson = Lesson.objects.get(pk=lesson.pk)
    assert save(origin, lesson, student, "1").marks[0].value == 1


def test_student_of_another_class_is_refused(origin, lesson, other_student):
    before = snapshot()
    with pytest.raises(ValidationError, match="не учится"):
        save(origin, lesson, other_student, "5")
    assert snapshot() == before


def test_stale_save_is_refused_shows_current_and_both_attempts_are_in_history(origin, lesson, student, other_teacher):
    first = save(origin, lesson, student, "4")
    stale_token = ""  # the second teacher's page still showed the cell empty
    with pytest.raises(services.StaleWrite) as error:
        save(services.Origin(by=other_teacher, at=AT), lesson, student, "2", expected=stale_token)
    assert error.value.current.text == "4"
    assert [m.value for m in Mark.objects.all()] == [4]
    refused = HistoryEntry.objects.get(action="refused")
    assert refused.user_id == other_teacher.pk
    assert refused.new == {"cell": "2"} and refused.old == {"cell": "4"}
    assert first.token != stale_token


def test_double_submit_changes_nothing(origin, lesson, student):
    save(origin, lesson, student, "5")
    before = snapshot()
    save(origin, lesson, student, "5", expected="")  # the same form sent again
    assert snapshot() == before


def test_details_set_work_type_weight_and_comment(origin, lesson, student):
    state = save(origin, lesson, student, "5")
    control = WorkType.objects.get(name="Контрольная работа")
    mark = state.marks[0]
    services.cell_details_save(
        origin=origin,
        lesson=lesson,
        student_id=student.pk,
        code="ОП",
        expected=state.token,
        marks=[
            services.MarkInput(
                pk=mark.pk, value=4, passed=None, work_type_id=control.pk, weight="3", comment="контрольная по дробям"
            ),
            services.MarkInput(pk=None, value=None, passed=True, work_type_id=control.pk, weight=None, comment=""),
        ],
    )
    first, second = Mark.objects.order_by("entered_at", "id")
    assert (first.value, first.work_type_id, str(first.weight), first.comment) == (
        4,
        control.pk,
        "3.0",
        "контрольная по дробям",
    )
    assert (second.value, second.passed) == (None, True)
    assert Attendance.objects.get().code == "ОП"


def test_lesson_attendance_in_one_go(origin, lesson, student, class_5a):
    others = [f.StudentFactory(school_class=class_5a) for _ in range(3)]
    services.lesson_attendance_save(origin=origin, lesson=lesson, codes={student.pk: "Н", others[0].pk: "b"})
    assert dict(Attendance.objects.values_list("student_id", "code")) == {student.pk: "Н", others[0].pk: "Б"}
    lesson.refresh_from_db()
    assert lesson.attendance_checked_at is not None
    services.lesson_attendance_save(origin=origin, lesson=lesson, codes={})  # «все присутствуют»
    assert not Attendance.objects.exists()
    assert HistoryEntry.objects.filter(kind="attendance", action="delete").count() == 2


def test_lesson_attendance_refuses_a_foreign_student_and_changes_nothing(origin, lesson, student, other_student):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.lesson_attendance_save(origin=origin, lesson=lesson, codes={student.pk: "Н", other_student.pk: "Н"})
    assert snapshot() == before


def test_period_mark_values(teacher, student, subject_math, quarter):
    origin = services.Origin(by=teacher, at=datetime.datetime(2026, 12, 27, 10, tzinfo=MSK))
    for given, stored in [("5", "5"), ("н/а", "н/а"), ("осв.", "осв"), ("зачёт", "зач")]:
        current = PeriodMark.objects.filter(student=student).values_list("value", flat=True).first() or ""
        services.period_mark_set(
            origin=origin, student=student, subject=subject_math, period=quarter, value=given, expected=current
        )
        assert PeriodMark.objects.get().value == stored
    with pytest.raises(ValidationError, match="не существует"):
        services.period_mark_set(origin=origin, student=student, subject=subject_math, period=quarter, value="6")
    assert HistoryEntry.objects.filter(kind="period_mark").count() == 4


def test_period_mark_stale_is_refused(teacher, other_teacher, student, subject_math, quarter):
    origin = services.Origin(by=teacher, at=datetime.datetime(2026, 12, 27, 10, tzinfo=MSK))
    services.period_mark_set(
        origin=origin, student=student, subject=subject_math, period=quarter, value="4", expected=""
    )
    with pytest.raises(services.StaleWrite):
        services.period_mark_set(
            origin=services.Origin(by=other_teacher, at=origin.at),
            student=student,
            subject=subject_math,
            period=quarter,
            value="3",
            expected="",
        )
    assert PeriodMark.objects.get().value == "4"


def test_period_mark_of_a_period_that_does_not_apply_to_the_class(teacher, student, subject_math, half):
    with pytest.raises(ValidationError, match="не применяется"):
        services.period_mark_set(
            origin=services.Origin(by=teacher), student=student, subject=subject_math, period=half, value="5"
        )


def test_topic_and_homework_with_history(origin, lesson):
    services.lesson_topic_set(origin=origin, lesson=lesson, topic="  Дроби   и проценты ")
    upload = SimpleUploadedFile("задание.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.lesson_homework_set(origin=origin, lesson=lesson, text="№ 15, 16", upload=upload)
    lesson.refresh_from_db()
    assert lesson.topic == "Дроби и проценты"
    assert lesson.homework == "№ 15, 16" and lesson.homework_file.name.endswith(".pdf")
    kinds = list(journal_entries().values_list("kind", flat=True))
    assert kinds == ["topic", "homework"]


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [("virus.exe", 10, "этого типа"), ("big.pdf", 11 * 1024 * 1024, "больше")],
)
def test_homework_file_rules(origin, lesson, name, size, message):
    upload = SimpleUploadedFile(name, b"x" * size)
    with pytest.raises(ValidationError, match=message):
        services.lesson_homework_set(origin=origin, lesson=lesson, text="", upload=upload)
    lesson.refresh_from_db()
    assert not lesson.homework_file and not journal_entries().exists()


def test_fill_topics_from_plan_in_order(origin, assignment, quarter):
    topics = [f.PlannedTopicFactory(assignment=assignment, position=i, title=f"Тема {i}") for i in (1, 2, 3)]
    lessons = [
        f.LessonFactory(assignment=assignment, date=DAY + datetime.timedelta(days=d), number=1, topic="")
        for d in (0, 1, 2, 3)
    ]
    services.lesson_topic_set(origin=origin, lesson=lessons[0], topic=topics[0].title, planned_topic=topics[0])
    filled = services.topics_fill_from_plan(origin=origin, assignment=assignment, lessons=lessons)
    assert filled == 2
    assert [Lesson.objects.get(pk=x.pk).topic for x in lessons] == ["Тема 1", "Тема 2", "Тема 3", ""]
    assert HistoryEntry.objects.filter(kind="topic").count() == 3
