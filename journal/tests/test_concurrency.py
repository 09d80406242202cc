"""Concurrent writers on PostgreSQL: no write is lost, and the history tells exactly what happened."""

import datetime
import random
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from journal import services
from journal.models import HistoryEntry, Mark, Student
from journal.tests import factories as f
from journal.verify import verify_journal

pytestmark = pytest.mark.postgres

AT = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def test_concurrent_writers_on_one_grid(transactional_db, teacher, class_teacher, assignment, student, quarter):
    assert connection.vendor == "postgresql"
    lesson = f.LessonFactory(assignment=assignment, date=AT.date(), topic="", homework="")
    pupils = [student] + [f.StudentFactory(school_class=assignment.school_class) for _ in range(3)]
    writers = [teacher, teacher, teacher, teacher]
    successes = []
    refusals = []
    errors = []
    barrier = threading.Barrier(len(writers))

    def work(index: int, user) -> None:
        rng = random.Random(index)
        token = ""
        try:
            barrier.wait()
            for step in range(12):
                # Everyone fights over the first student's cell; each also writes a cell of its own.
                target = pupils[0] if step % 2 == 0 else pupils[index]
                text = str(rng.randint(2, 5))
                if target is not pupils[0]:
                    services.cell_save(
                        origin=services.Origin(by=user, at=AT),
                        lesson=lesson,
                        student_id=target.pk,
                        text=text,
                        expected=services.CellState(
                            marks=list(Mark.objects.filter(lesson=lesson, student=target).order_by("entered_at", "id")),
                            attendance=None,
                        ).token,
                    )
                    successes.append((target.pk, text))
                    continue
                try:
                    state = services.cell_save(
                        origin=services.Origin(by=user, at=AT),
                        lesson=lesson,
                        student_id=target.pk,
                        text=text,
                        expected=token,
                    )
                    token = state.token
                    successes.append((target.pk, text))
                except services.StaleWrite as stale:
                    refusals.append(text)
                    token = stale.current.token  # the page shows the current value; the teacher types again
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, user)) for i, user in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    # The contested cell: the history's updates form one unbroken line, each starting where the last ended.
    entries = list(
        HistoryEntry.objects.filter(kind="mark", lesson_id=lesson.pk, student_id=pupils[0].pk)
        .exclude(action="refused")
        .order_by("id")
    )
    previous = None
    for entry in entries:
        if previous is not None and entry.action == "update":
            assert entry.old == previous.new, "a write was lost: an update did not start from the last value"
        previous = entry
    final = Mark.objects.get(lesson=lesson, student=pupils[0])
    assert str(final.value) == str(entries[-1].new["value"])
    # Each successful save is one history entry (or a no-op when the value was already there).
    contested = [s for s in successes if s[0] == pupils[0].pk]
    assert len(entries) <= len(contested)
    assert HistoryEntry.objects.filter(action="refused").count() == len(refusals)
    # Every writer's own cell holds its last value.
    for pupil in pupils[1:]:
        last = [text for pk, text in successes if pk == pupil.pk][-1]
        assert str(Mark.objects.get(lesson=lesson, student=pupil).value) == last
    assert verify_journal() == []
    assert Student.objects.count() == 4
