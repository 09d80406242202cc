"""The Celery side: one schedule in settings, tasks that take ids, limits and retries, eager in tests;
and the management command that runs the same code without Redis."""

import datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from audit.compliance import tasks
from audit.compliance.models import ComplianceState, Criterion, CriterionSnapshot, Finding
from journal.tests import factories as f
from school84.celery import app

from .conftest import NIGHT, msk


def test_every_periodic_task_is_declared_in_settings():
    schedule = settings.CELERY_BEAT_SCHEDULE
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task == {
        "audit.compliance.deadline_checks": crontab(hour=3, minute=0),
        "audit.compliance.visit_checks": crontab(hour=3, minute=30),
        "audit.compliance.deadline_reminders": crontab(hour=15, minute=0),
        "journal.pagecache_prune": crontab(hour=4, minute=0),
    }
    assert settings.CELERY_TIMEZONE == "Europe/Moscow"
    app.loader.import_default_modules()
    assert set(by_task) <= set(app.tasks)


@pytest.mark.parametrize("task", [tasks.run_deadline_checks, tasks.run_visit_checks, tasks.send_deadline_reminders])
def test_tasks_have_time_limits_and_retries(task):
    assert task.soft_time_limit < task.time_limit <= 20 * 60
    assert task.autoretry_for
    assert task.max_retries == 3


@pytest.fixture
def untitled(assignment, quarter):
    return f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 27), topic="")


def test_task_for_one_school(untitled, school):
    with time_machine.travel(NIGHT, tick=False):
        result = tasks.run_deadline_checks.delay(school_id=school.pk).get()
    assert result["counts"][Criterion.TOPICS] == 1
    assert Finding.objects.open().filter(criterion=Criterion.TOPICS).count() == 1


def test_task_without_a_school_runs_every_school(untitled, school, year):
    other = f.SchoolFactory(short_name="МАОУ СОШ № 85")
    f.LessonFactory(
        assignment=f.TeachingAssignmentFactory(
            school_class=f.SchoolClassFactory(school=other, year=year, grade=6, letter="А")
        ),
        topic="",
    )
    with time_machine.travel(NIGHT, tick=False):
        assert sorted(tasks.run_deadline_checks.delay().get()) == sorted([school.pk, other.pk])
        tasks.run_visit_checks.delay().get()
    assert ComplianceState.objects.filter(deadlines_at=NIGHT, visits_at=NIGHT).count() == 2
    assert Finding.objects.open().filter(criterion=Criterion.TOPICS).count() == 2


def test_reminder_task(untitled, school, teacher, mailoutbox):
    untitled.attendance_checked_at = None
    untitled.save()
    with time_machine.travel(msk(2026, 11, 28, 15, 0), tick=False):
        assert tasks.send_deadline_reminders.delay(school_id=school.pk).get() == 1
        assert tasks.send_deadline_reminders.delay(school_id=school.pk).get() == 0
    assert [m.to for m in mailoutbox] == [[teacher.email]]


def test_command_runs_the_checks(untitled, school, capsys):
    with time_machine.travel(NIGHT, tick=False):
        call_command("run_compliance_checks")
    out = capsys.readouterr().out
    assert "Сроки:" in out and "Посещения:" in out
    assert "Темы проведённых уроков: 1 уроков" in out
    assert "Напоминания" not in out
    assert Finding.objects.open().filter(criterion=Criterion.TOPICS).count() == 1


def test_command_can_send_reminders_and_pick_a_school(untitled, school, capsys, mailoutbox):
    untitled.attendance_checked_at = None
    untitled.save()
    with time_machine.travel(msk(2026, 11, 28, 15, 0), tick=False):
        call_command("run_compliance_checks", "--school", str(school.pk), "--only", "reminders")
    assert "отправлено писем — 1" in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_command_refuses_an_unknown_school(db):
    with pytest.raises(CommandError, match="Нет ОУ с id: 999"):
        call_command("run_compliance_checks", "--school", "999")


def test_command_replays_past_nights_for_the_trends(untitled, school, capsys):
    with time_machine.travel(NIGHT, tick=False):
        call_command("run_compliance_checks", "--history-weeks", "2")
    assert "Прошлые ночи: 3" in capsys.readouterr().out
    days = sorted(set(CriterionSnapshot.objects.values_list("day", flat=True)))
    assert days == [datetime.date(2026, 11, d) for d in (14, 21, 27, 28)]
    # The lesson of 27.11 had no topic yet to miss on the nights before 28.11.
    topics = dict(CriterionSnapshot.objects.filter(criterion=Criterion.TOPICS).values_list("day", "count"))
    assert topics[datetime.date(2026, 11, 27)] == 0
    assert topics[datetime.date(2026, 11, 28)] == 1
