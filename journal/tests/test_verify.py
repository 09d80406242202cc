"""``verify_journal``: the chain and the journal agree with the history; tampering is named by entry."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from journal import dbtriggers, services
from journal.models import HistoryEntry, Mark
from journal.tests import factories as f
from journal.verify import verify_journal

AT = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def journal_with_entries(teacher, assignment, student, quarter):
    lesson = f.LessonFactory(assignment=assignment, date=AT.date(), topic="", homework="")
    origin = services.Origin(by=teacher, at=AT)
    state = services.cell_save(origin=origin, lesson=lesson, student_id=student.pk, text="5 4 Н", expected="")
    services.cell_save(origin=origin, lesson=lesson, student_id=student.pk, text="3 4", expected=state.token)
    services.lesson_topic_set(origin=origin, lesson=lesson, topic="Дроби")
    services.lesson_homework_set(origin=origin, lesson=lesson, text="№ 1")
    return lesson


def test_clean_journal_passes(journal_with_entries, capsys):
    assert verify_journal() == []
    call_command("verify_journal")
    assert "Журнал прошёл проверку" in capsys.readouterr().out


def test_mark_changed_with_raw_sql_is_named(journal_with_entries):
    mark = Mark.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE journal_mark SET value = 5 WHERE id = %s", [mark.pk])
    problems = verify_journal()
    assert len(problems) == 1
    assert f"отметка id {mark.pk}" in str(problems[0])
    assert "в обход" in str(problems[0])
    with pytest.raises(CommandError):
        call_command("verify_journal")


def test_row_inserted_or_deleted_around_services_is_found(journal_with_entries, teacher):
    lesson = journal_with_entries
    mark = Mark.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_mark WHERE id = %s", [mark.pk])
    extra = f.MarkFactory(lesson=lesson, student=mark.student, entered_by=teacher)
    text = " ".join(str(p) for p in verify_journal())
    assert f"отметка id {mark.pk}: по истории есть, но в журнале нет" in text
    assert f"отметка id {extra.pk}: запись есть в журнале, но её нет в истории" in text


def test_edited_history_row_breaks_the_chain_at_that_entry(journal_with_entries):
    entry = HistoryEntry.objects.filter(kind="mark").order_by("id")[1]
    dbtriggers.remove_append_only(connection)  # what an intruder with DDL rights would have to do first
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_historyentry SET new = %s WHERE id = %s", ['{"value": 2}', entry.pk])
    dbtriggers.install_append_only(connection)
    problems = verify_journal()
    assert any(p.entry_id == entry.pk and "хеш не совпадает" in str(p) for p in problems)


def test_deleted_history_row_breaks_the_link(journal_with_entries):
    entry = HistoryEntry.objects.order_by("id")[2]
    dbtriggers.remove_append_only(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_historyentry WHERE id = %s", [entry.pk])
    dbtriggers.install_append_only(connection)
    problems = verify_journal()
    assert any("разорвана цепочка" in str(p) for p in problems)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE journal_mark SET student_id = %(other)s WHERE id = %(mark)s", "перенесена в обход журнала"),
        ("UPDATE journal_mark SET lesson_id = %(lesson2)s WHERE id = %(mark)s", "перенесена в обход журнала"),
        ("UPDATE journal_attendance SET student_id = %(other)s", "перенесена в обход журнала"),
        ("UPDATE journal_lesson SET date = '2026-11-30' WHERE id = %(lesson)s", "урок id"),
        ("UPDATE journal_lesson SET number = 7 WHERE id = %(lesson)s", "урок id"),
        ("UPDATE audit_editwindow SET change_days = 1000", "срок редактирования"),
        ("UPDATE journal_studyperiod SET marks_deadline = '2027-01-30'", "учебный период"),
        ("UPDATE journal_worktype SET category = 'vsoko'", "вид работы"),
    ],
    ids=[
        "mark-to-another-child",
        "mark-to-another-lesson",
        "attendance-moved",
        "lesson-redated",
        "lesson-renumbered",
        "windows",
        "period",
        "work-type",
    ],
)
def test_every_field_the_history_records_is_checked(journal_with_entries, assignment, student, statement, expected):
    """A mark moved to another child or lesson, a lesson re-dated (which would reopen its windows), a rule changed:
    each around the services, each named."""
    other = f.StudentFactory(school_class=student.school_class)
    lesson2 = f.LessonFactory(assignment=assignment, date=AT.date() + datetime.timedelta(days=1))
    mark = Mark.objects.order_by("id").first()
    origin = services.Origin(by=assignment.teacher, at=AT)
    services.attendance_set(origin=origin, lesson=mark.lesson, student=student, code="Б")
    assert verify_journal() == []
    with connection.cursor() as cursor:
        cursor.execute(
            statement % {"other": other.pk, "mark": mark.pk, "lesson2": lesson2.pk, "lesson": mark.lesson_id}
        )
    problems = " ".join(str(problem) for problem in verify_journal())
    assert expected in problems, problems


def test_verify_head_says_whether_a_printed_head_is_in_the_chain(journal_with_entries, capsys):
    from journal.models import HistoryHead

    printed = HistoryHead.objects.get(id=1).last_hash
    call_command("verify_journal", head=printed)
    assert "есть в истории" in capsys.readouterr().out
    with pytest.raises(CommandError, match="нет"):
        call_command("verify_journal", head="f" * 64)
