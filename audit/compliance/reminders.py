"""Afternoon reminders: a teacher hears the day before a window closes on a lesson that still lacks an entry.

What is due tomorrow, per lesson (the teacher is the substitute, if any, or the assignment's teacher):

- attendance: the attendance window (``audit.windows.attendance_window``, п. 3.3: 2 days) ends tomorrow
  and attendance was never taken;
- topic: the same lessons, held without a topic;
- marks: the window for entering marks (``audit.windows.mark_window``, «срок информирования» 10 days) ends
  tomorrow, the КТП plans an assessed work on the lesson and it has no marks.

Each teacher gets one digest. A reminder row is inserted before the letter goes out, unique per lesson and
kind: a second run, or two runs at once, find the rows taken and send nothing again. If a letter fails,
its rows are released for the retry.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from journal import windows
from journal.models import EditWindow, Lesson, Mark, School, User

from .models import ComplianceState, SentReminder

logger = logging.getLogger(__name__)
Kind = SentReminder.Kind


@dataclass
class DueLesson:
    lesson: Lesson
    kinds: list[str]
    until: datetime.datetime

    @property
    def teacher_id(self) -> int:
        return self.lesson.substitute_id or self.lesson.assignment.teacher_id


@dataclass
class Digest:
    teacher: User
    lessons: list[DueLesson] = field(default_factory=list)


def _lessons(school: School):
    return (
        Lesson.objects.held()
        .filter(assignment__school_class__school=school)
        .select_related(
            "assignment__school_class",
            "assignment__subject",
            "assignment__group",
            "assignment__teacher",
            "substitute",
            "planned_topic__assessed_work_type",
        )
    )


def _grades(school: School) -> list[int]:
    return sorted(set(school.classes.values_list("grade", flat=True)))


def due_tomorrow(*, school: School, now: datetime.datetime) -> list[DueLesson]:
    """The lessons of a school with an entry missing whose window ends tomorrow (school time)."""
    today = timezone.localdate(now, windows.SCHOOL_TZ)
    tomorrow = today + datetime.timedelta(days=1)
    rules = windows.load_rules()
    grades = _grades(school)
    due: dict[int, DueLesson] = {}

    # Attendance and topic: narrow by date in SQL (per grade, the date whose window ends tomorrow), then
    # confirm each with the window function itself.
    condition = Q(pk__in=[])
    for grade in grades:
        rule = windows.select_rule(rules, entry=EditWindow.Entry.ATTENDANCE, grade=grade)
        if rule and rule.create_anchor == EditWindow.Anchor.LESSON_DATE:
            day = tomorrow - datetime.timedelta(days=rule.create_days)
            condition |= Q(assignment__school_class__grade=grade, date=day)
    candidates = _lessons(school).filter(condition, date__lte=today)
    for lesson in candidates.filter(Q(attendance_checked_at__isnull=True) | Q(topic="")):
        until = windows.attendance_window(lesson=lesson, rules=rules).create_until
        if until is None or timezone.localdate(until, windows.SCHOOL_TZ) != tomorrow:
            continue
        kinds = []
        if lesson.attendance_checked_at is None:
            kinds.append(Kind.ATTENDANCE)
        if not lesson.topic:
            kinds.append(Kind.TOPIC)
        due[lesson.pk] = DueLesson(lesson=lesson, kinds=kinds, until=until)

    # Marks for a work the КТП plans: lessons of the last N days (N — the longest mark window).
    longest = max(
        (
            r.create_days
            for r in rules
            if r.entry == EditWindow.Entry.MARK and r.create_anchor == EditWindow.Anchor.LESSON_DATE
        ),
        default=None,
    )
    if longest is not None:
        planned = (
            _lessons(school)
            .filter(
                date__gte=tomorrow - datetime.timedelta(days=longest),
                date__lte=today,
                planned_topic__assessed_work_type__isnull=False,
            )
            .filter(~Exists(Mark.objects.filter(lesson=OuterRef("pk"))))
        )
        for lesson in planned:
            window = windows.mark_window(lesson=lesson, work_type=lesson.planned_topic.assessed_work_type, rules=rules)
            until = window.create_until
            if until is None or timezone.localdate(until, windows.SCHOOL_TZ) != tomorrow:
                continue
            entry = due.setdefault(lesson.pk, DueLesson(lesson=lesson, kinds=[], until=until))
            entry.kinds.append(Kind.MARKS)
    return sorted(due.values(), key=lambda d: (d.lesson.date, d.lesson.number, d.lesson.pk))


def _claim(
    *, due: list[DueLesson], teachers: dict[int, User], now: datetime.datetime
) -> tuple[uuid.UUID, set[tuple[int, str]]]:
    """Insert the reminder rows; the (lesson, kind) pairs this run inserted are the ones it sends."""
    token = uuid.uuid4()
    rows = [
        SentReminder(lesson_id=d.lesson.pk, kind=kind, teacher_id=d.teacher_id, claim=token, claimed_at=now)
        for d in due
        if d.teacher_id in teachers
        for kind in d.kinds
    ]
    with transaction.atomic():
        SentReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        # A letter that failed before is this run's to send again (its row stays, with the error, until then).
        SentReminder.objects.filter(
            lesson_id__in=[d.lesson.pk for d in due], sent_at__isnull=True, failed_at__isnull=False
        ).update(claim=token)
    return token, set(SentReminder.objects.filter(claim=token).values_list("lesson_id", "kind"))


def backend_name(connection) -> str:
    """The dotted name of the e-mail backend that took a letter."""
    return f"{type(connection).__module__}.{type(connection).__name__}"


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render(digest: Digest) -> EmailMultiAlternatives:
    by_assignment: dict[int, dict] = {}
    for d in digest.lessons:
        assignment = d.lesson.assignment
        group = by_assignment.setdefault(
            assignment.pk,
            {"title": assignment.title, "url": _url(reverse("journal:grid", args=[assignment.pk])), "lessons": []},
        )
        group["lessons"].append(
            {
                "date": date_format(d.lesson.date, "d.m.Y"),
                "number": d.lesson.number,
                "what": ", ".join(str(Kind(kind).label) for kind in d.kinds),
                "until": date_format(timezone.localtime(d.until, windows.SCHOOL_TZ), "d.m.Y H:i"),
                "url": _url(reverse("journal:lesson", args=[d.lesson.pk])),
            }
        )
    context = {
        "teacher": digest.teacher,
        "assignments": list(by_assignment.values()),
        "count": len(digest.lessons),
        "journal_url": _url(reverse("journal:index")),
    }
    subject = " ".join(render_to_string("email/deadline_reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/deadline_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.teacher.email],
    )
    message.attach_alternative(render_to_string("email/deadline_reminder.html", context), "text/html")
    return message


def reminders_send(*, school_id: int, now: datetime.datetime | None = None) -> int:
    """Send each teacher one digest of tomorrow's closing windows; never twice for a lesson. Returns letters sent.

    п. 3.3: marks and attendance may be entered only within their windows; afterwards only by раздел 4.
    """
    now = now or timezone.now()
    school = School.objects.get(pk=school_id)
    due = due_tomorrow(school=school, now=now)
    teachers = {
        u.pk: u for u in User.objects.filter(pk__in={d.teacher_id for d in due}, is_active=True).exclude(email="")
    }
    token, claimed = _claim(due=due, teachers=teachers, now=now)
    digests: dict[int, Digest] = {}
    for d in due:
        kinds = [kind for kind in d.kinds if (d.lesson.pk, kind) in claimed]
        if not kinds:
            continue
        digest = digests.setdefault(d.teacher_id, Digest(teacher=teachers[d.teacher_id]))
        digest.lessons.append(DueLesson(lesson=d.lesson, kinds=kinds, until=d.until))
    sent, failure = 0, None
    with get_connection() as connection:
        backend = backend_name(connection)
        for teacher_id, digest in digests.items():
            rows = SentReminder.objects.filter(claim=token, teacher_id=teacher_id)
            try:
                accepted = connection.send_messages([_render(digest)])
            except Exception as error:  # kept as failed (the sysadmin sees it); the retry sends it
                logger.warning("reminder to user %s failed: %s", teacher_id, error)
                rows.update(failed_at=timezone.now(), last_error=str(error)[:500], attempts=F("attempts") + 1)
                failure = failure or error
                continue
            if not accepted:  # the backend took nothing (fail_silently or a refused recipient)
                rows.update(failed_at=timezone.now(), last_error=_("письмо не принято"), attempts=F("attempts") + 1)
                continue
            # Recorded as sent only now that the backend accepted it, with the backend's name.
            rows.update(sent_at=timezone.now(), backend=backend, failed_at=None, attempts=F("attempts") + 1)
            sent += 1
    ComplianceState.objects.update_or_create(school=school, defaults={"reminders_at": now})
    if failure is not None:
        raise failure
    return sent
