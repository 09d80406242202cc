"""A finding lives while its cause does: the next run resolves it, a returning cause opens a new one.
Running a job twice changes nothing; the day's counts are kept once per day and criterion."""

import datetime

import pytest
from django.db import connection

from audit.compliance import checks
from audit.compliance.models import (
    ClassSnapshot,
    ComplianceState,
    Criterion,
    CriterionSnapshot,
    Finding,
    TeacherTimeliness,
)
from audit.compliance.services import OutOfOrder
from journal.tests import factories as f

from .conftest import NIGHT, msk, open_findings, run_deadlines, run_visits

D = datetime.date


@pytest.fixture
def untitled(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=D(2026, 11, 27), topic="")


def state(criteria=None):
    rows = Finding.objects.order_by("pk")
    if criteria:
        rows = rows.filter(criterion__in=criteria)
    return list(rows.values_list("pk", "criterion", "key", "first_seen", "resolved_at", "label", "detail"))


def test_running_twice_changes_nothing(untitled, school, student, parent):
    run_deadlines(school)
    run_visits(school)
    before = state()
    snapshots = list(CriterionSnapshot.objects.values_list("criterion", "count", "total"))
    assert before  # КТП, timetable, the topic, the receipt …

    summary = run_deadlines(school, NIGHT + datetime.timedelta(minutes=5))
    run_visits(school, NIGHT + datetime.timedelta(minutes=5))
    assert (summary.opened, summary.resolved) == (0, 0)
    assert state() == before
    assert list(CriterionSnapshot.objects.values_list("criterion", "count", "total")) == snapshots
    assert Finding.objects.get(criterion=Criterion.TOPICS).last_seen == NIGHT + datetime.timedelta(minutes=5)


def test_fixed_then_returning_cause_opens_a_new_finding(untitled, school):
    run_deadlines(school)
    untitled.topic = "Дроби"
    untitled.save()
    summary = run_deadlines(school, msk(2026, 11, 28, 12, 0))
    assert summary.resolved == 1
    untitled.topic = ""
    untitled.save()
    run_deadlines(school, msk(2026, 11, 29, 3, 0))

    first, second = Finding.objects.filter(criterion=Criterion.TOPICS).order_by("pk")
    assert first.resolved_at == msk(2026, 11, 28, 12, 0)
    assert first.last_seen == NIGHT
    assert second.resolved_at is None
    assert second.first_seen == msk(2026, 11, 29, 3, 0)


def test_snapshot_is_one_row_per_day_and_criterion(untitled, school, class_5a, student):
    f.MarkFactory(lesson=untitled, student=student, entered_at=msk(2026, 11, 27, 15, 0))
    run_deadlines(school)
    untitled.topic = "Дроби"
    untitled.save()
    run_deadlines(school, msk(2026, 11, 28, 14, 0))  # the same day: updated, not duplicated

    [today] = CriterionSnapshot.objects.filter(criterion=Criterion.TOPICS)
    assert (today.day, today.count, today.computed_at) == (D(2026, 11, 28), 0, msk(2026, 11, 28, 14, 0))
    assert not ClassSnapshot.objects.filter(criterion=Criterion.TOPICS, day=D(2026, 11, 28)).exists()

    run_deadlines(school, msk(2026, 11, 29, 3, 0))
    assert CriterionSnapshot.objects.filter(criterion=Criterion.TOPICS).count() == 2
    assert TeacherTimeliness.objects.filter(day=D(2026, 11, 28)).count() == 1
    assert TeacherTimeliness.objects.filter(day=D(2026, 11, 29)).count() == 1


def test_class_snapshot_counts_the_class(untitled, school, class_5a):
    run_deadlines(school)
    snap = ClassSnapshot.objects.get(criterion=Criterion.TOPICS, school_class=class_5a)
    assert (snap.count, snap.total) == (1, None)


def test_the_state_row_records_each_job(untitled, school):
    run_deadlines(school)
    run_visits(school, msk(2026, 11, 28, 3, 30))
    row = ComplianceState.objects.get(school=school)
    assert row.deadlines_at == NIGHT
    assert row.visits_at == msk(2026, 11, 28, 3, 30)
    assert row.computed_at == msk(2026, 11, 28, 3, 30)
    assert row.deadlines_seconds is not None


def test_a_run_touches_its_own_school_only(untitled, school, year):
    other = f.SchoolFactory(short_name="МАОУ СОШ № 85")
    other_class = f.SchoolClassFactory(school=other, year=year, grade=6, letter="А")
    other_lesson = f.LessonFactory(assignment=f.TeachingAssignmentFactory(school_class=other_class), topic="")
    run_deadlines(other)
    theirs = {f.key for f in open_findings(Criterion.TOPICS)}
    assert theirs == {str(other_lesson.pk)}

    run_deadlines(school)
    assert {f.key for f in open_findings(Criterion.TOPICS)} == {str(other_lesson.pk), str(untitled.pk)}
    assert Finding.objects.filter(resolved_at__isnull=False).count() == 0


def test_a_job_resolves_only_its_own_criteria(untitled, school, parent):
    run_visits(school)
    run_deadlines(school)
    receipt = Finding.objects.get(criterion=Criterion.RECEIPTS)
    f.CredentialReceiptFactory(user=parent)
    run_deadlines(school, msk(2026, 11, 28, 5, 0))  # the deadline job leaves the visit criteria alone
    receipt.refresh_from_db()
    assert receipt.resolved_at is None


def test_a_run_never_goes_back_in_time(untitled, school):
    run_deadlines(school, msk(2026, 11, 28, 3, 0))
    with pytest.raises(OutOfOrder):
        run_deadlines(school, msk(2026, 11, 27, 3, 0))
    assert CriterionSnapshot.objects.filter(day=D(2026, 11, 27)).count() == 0


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_checks_run_without_jit_and_leave_the_connection_as_it_was(transactional_db, untitled, school, monkeypatch):
    # Transactional: the run's own transaction is the outermost one, as on the worker, so it ends SET LOCAL.
    seen = []
    run_checks = checks.run_checks

    def spy(ctx, job):
        seen.append(_jit())
        return run_checks(ctx, job)

    monkeypatch.setattr(checks, "run_checks", spy)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")  # whatever the server's default, the run must turn it off
    run_deadlines(school)
    run_visits(school)
    assert seen == ["off", "off"]
    assert _jit() == "on"
