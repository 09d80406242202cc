"""Afternoon reminders: one digest per teacher about the lessons whose window closes tomorrow, never twice."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from audit.compliance.models import SentReminder
from journal.models import WorkType
from journal.tests import factories as f

from .conftest import msk, send_reminders

D = datetime.date
AFTERNOON = msk(2026, 11, 27, 15, 0)  # tomorrow is 28.11: the window of the lessons of 26.11 closes


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://journal.school84.test/"


@pytest.fixture
def lesson_on(assignment, quarter):
    def make(day, **fields):
        fields.setdefault("attendance_checked_at", timezone.now())
        return f.LessonFactory(assignment=assignment, date=day, **fields)

    return make


def test_one_digest_with_links_for_tomorrows_windows(lesson_on, school, teacher, assignment):
    due = lesson_on(D(2026, 11, 26), attendance_checked_at=None, topic="")
    lesson_on(D(2026, 11, 26))  # complete
    lesson_on(D(2026, 11, 25), attendance_checked_at=None)  # closes today: too late for a reminder
    lesson_on(D(2026, 11, 27), attendance_checked_at=None)  # closes the day after tomorrow

    assert send_reminders(school, AFTERNOON) == 1
    [letter] = mail.outbox
    assert letter.to == [teacher.email]
    assert "завтра истекает срок" in letter.subject
    assert f"https://journal.school84.test/journal/a/{assignment.pk}/" in letter.body
    assert f"https://journal.school84.test/journal/lesson/{due.pk}/" in letter.body
    assert "посещаемость не отмечена, не указана тема урока" in letter.body
    assert "до 28.11.2026 23:59" in letter.body
    [(html, kind)] = letter.alternatives
    assert kind == "text/html"
    assert f'href="https://journal.school84.test/journal/lesson/{due.pk}/"' in html
    assert set(SentReminder.objects.values_list("lesson_id", "kind")) == {(due.pk, "attendance"), (due.pk, "topic")}


def test_never_twice_for_the_same_lesson(lesson_on, school):
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)
    send_reminders(school, AFTERNOON)
    assert send_reminders(school, AFTERNOON + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.get().sent_at is not None


def test_marks_for_a_planned_work_the_day_before_ten_days_end(lesson_on, school, assignment, student):
    work = WorkType.objects.filter(category=WorkType.Category.CONTROL).order_by("pk").first()
    planned = f.PlannedTopicFactory(assignment=assignment, assessed_work_type=work)
    due = lesson_on(D(2026, 11, 18), planned_topic=planned)  # marks may be entered until 28.11
    marked = lesson_on(
        D(2026, 11, 18), planned_topic=f.PlannedTopicFactory(assignment=assignment, assessed_work_type=work)
    )
    f.MarkFactory(lesson=marked, student=student, work_type=work)

    send_reminders(school, AFTERNOON)
    [letter] = mail.outbox
    assert "нет отметок за работу по КТП" in letter.body
    assert list(SentReminder.objects.values_list("lesson_id", "kind")) == [(due.pk, "marks")]


def test_each_teacher_gets_their_own_digest_and_substitutes_are_reminded(
    lesson_on, school, teacher, other_teacher, other_assignment, class_teacher
):
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)
    lesson_on(D(2026, 11, 26), attendance_checked_at=None, substitute=class_teacher)
    f.LessonFactory(assignment=other_assignment, date=D(2026, 11, 26), attendance_checked_at=None)

    assert send_reminders(school, AFTERNOON) == 3
    assert sorted(letter.to[0] for letter in mail.outbox) == sorted(
        [teacher.email, other_teacher.email, class_teacher.email]
    )


def test_a_teacher_without_email_is_skipped(lesson_on, school, teacher):
    teacher.email = ""
    teacher.save()
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)
    assert send_reminders(school, AFTERNOON) == 0
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_a_failed_letter_is_kept_for_the_sysadmin_and_sent_by_the_retry(lesson_on, school, sysadmin, client_for):
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=smtplib.SMTPServerDisconnected("down")),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        send_reminders(school, AFTERNOON)
    failed = SentReminder.objects.get()
    assert failed.sent_at is None and failed.failed_at is not None and failed.attempts == 1
    assert "down" in failed.last_error
    # The sysadmin sees it in the admin, filtered as failed.
    from journal.permissions import sync_role_permissions

    sync_role_permissions()
    page = client_for(sysadmin).get("/admin/audit/sentreminder/", {"delivery": "failed"})
    assert page.status_code == 200 and "down" in page.content.decode()

    assert send_reminders(school, AFTERNOON + datetime.timedelta(minutes=1)) == 1
    assert len(mail.outbox) == 1
    sent = SentReminder.objects.get()
    assert sent.sent_at is not None and sent.failed_at is None and sent.attempts == 2
    assert sent.backend == "django.core.mail.backends.locmem.EmailBackend"  # the backend that took it
    assert send_reminders(school, AFTERNOON + datetime.timedelta(minutes=2)) == 0  # never twice


def test_a_letter_the_backend_did_not_accept_is_not_recorded_as_sent(lesson_on, school):
    lesson_on(D(2026, 11, 26), attendance_checked_at=None)
    with mock.patch.object(EmailBackend, "send_messages", return_value=0):
        assert send_reminders(school, AFTERNOON) == 0
    assert SentReminder.objects.get().sent_at is None


@pytest.mark.parametrize(
    ("environ", "debug", "backend"),
    [
        ({}, True, "django.core.mail.backends.filebased.EmailBackend"),  # the demo: files under var/mail
        ({"EMAIL_HOST": "smtp.school84.ru"}, True, "django.core.mail.backends.smtp.EmailBackend"),
        ({}, False, "django.core.mail.backends.smtp.EmailBackend"),
        ({"EMAIL_BACKEND": "x.Backend", "EMAIL_HOST": "smtp"}, True, "x.Backend"),
    ],
)
def test_with_an_smtp_host_letters_go_to_it_whatever_debug_says(environ, debug, backend):
    from school84.settings import email_backend_for

    assert email_backend_for(environ, debug) == backend
