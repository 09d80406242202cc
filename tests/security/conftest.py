"""The security suite's world: the whole cast plus one object of each kind that belongs to someone else.

«Someone else» is always the 5Б side: ``other_teacher``'s assignment and lessons, ``other_student``, ``other_parent``
and their guardianship. The 5А side (``teacher``, ``student``, ``parent``) must not reach those objects.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from audit.late_changes import services as late_changes
from journal import caches, reference
from journal.models import EditWindow, Guardianship, HistoryHead, Student, Teacher, WorkType
from journal.tests import factories as f

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=MSK)
#: A lesson whose marks can no longer be changed without a late-change request.
LOCKED_DAY = datetime.date(2026, 11, 16)
DOCUMENT = late_changes.DocumentInput(
    kind="Медицинская справка", number="0457", date=datetime.date(2026, 11, 20), issuer="ГБУЗ «Детская поликлиника № 3»"
)

ROLES = [
    "anonymous",
    "teacher",
    "other_teacher",
    "class_teacher",
    "deputy",
    "director",
    "sysadmin",
    "parent",
    "other_parent",
    "student",
    "other_student",
]


@pytest.fixture(autouse=True)
def _today():
    """«Today» is Saturday 28.11.2026, in the second quarter; the lesson of 16.11 is locked."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def reference_rows(db):
    """The edit windows, work types and the history head the services need."""
    reference.seed_work_types(WorkType)
    reference.seed_windows(EditWindow)
    reference.seed_history_head(HistoryHead)
    caches.clear()


@pytest.fixture
def cast(request, reference_rows, quarter):
    """role → user (``None`` for the anonymous visitor); every role of the cast is built."""
    users = {"anonymous": None}
    for role in ROLES[1:]:
        member = request.getfixturevalue(role)
        users[role] = member.user if isinstance(member, Student) else member
    return users


@pytest.fixture
def world(cast, other_assignment, other_student, other_parent, class_5b, year, quarter, director):
    """URL keyword → the id of an object that is not the 5А side's; a few names need their own object."""
    work_type = WorkType.objects.get(name="Ответ на уроке")
    lesson = f.LessonFactory(assignment=other_assignment, date=datetime.date(2026, 11, 27), number=1, homework="Упр. 1")
    locked = f.LessonFactory(assignment=other_assignment, date=LOCKED_DAY, number=2)
    mark = f.MarkFactory(
        lesson=locked, student=other_student, value=5, work_type=work_type, entered_by=cast["other_teacher"]
    )
    entry = late_changes.EntryInput(
        kind="mark", action="change", lesson_id=locked.pk, student_id=other_student.pk, target_id=mark.pk, value="4"
    )
    late_request = late_changes.late_change_submit(
        initiator=cast["other_teacher"], reason="student_absence", document=DOCUMENT, entries=[entry], comment="Болел"
    )
    with transaction.atomic():
        batch, _ = late_changes.summary_sheet_batch_prepare(period=quarter, by=cast["deputy"], class_ids=[class_5b.pk])
    return {
        "assignment_id": other_assignment.pk,
        "lesson_id": lesson.pk,
        "student_id": other_student.pk,
        "slot_id": f.TimetableSlotFactory(period=quarter, assignment=other_assignment).pk,
        "holiday_id": f.HolidayFactory(year=year).pk,
        "transfer_id": f.WorkdayTransferFactory(year=year).pk,
        "topic_id": f.PlannedTopicFactory(assignment=other_assignment).pk,
        "user_id": other_parent.pk,
        "guardianship_id": Guardianship.objects.get(parent=other_parent).pk,
        "teacher_id": Teacher.objects.get(user=cast["other_teacher"]).pk,
        "code": "topics",
        "class_id": class_5b.pk,
        "pk": late_request.pk,
        # per URL name: the same keyword names another kind of object
        "audit:criterion_teacher": {"teacher_id": cast["other_teacher"].pk},
        "audit:summary_sheets_status": {"pk": batch.pk},
        "audit:summary_sheets_download": {"pk": batch.pk},
        "_lesson": lesson,
        "_mark": mark,
        "_late_request": late_request,
    }
