"""Reads of the journal's history (``journal.models.HistoryEntry``) for the pages above the ledger.

The diary shows, beside a mark, an attendance code or a period mark changed after its window by an approved
late-change request (раздел 4 положения), the request's number and the day it was applied — never the
document. Every such write goes through ``journal.services`` with ``Origin(source=LATE_CHANGE,
reference=<номер заявления>, late_change=True)``, so the history alone knows it: the diary needs nothing
from ``audit``.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from .models import HistoryEntry, Lesson, Student, StudyPeriod

Kind = HistoryEntry.Kind


@dataclass(frozen=True)
class LateChangeNote:
    """What a parent may read about a late change: when it was made and on which request (no document details)."""

    applied_on: datetime.date
    number: str

    def __str__(self) -> str:
        return f"№ {self.number}, {self.applied_on:%d.%m.%Y}"


@dataclass
class LateChangeNotes:
    marks: dict[int, LateChangeNote] = field(default_factory=dict)
    attendance: dict[int, LateChangeNote] = field(default_factory=dict)
    period_marks: dict[int, LateChangeNote] = field(default_factory=dict)
    #: Period marks by (subject id, period id), for pages that show the value but not the row.
    period_marks_by_subject: dict[tuple[int, int], LateChangeNote] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.marks or self.attendance or self.period_marks)

    def attach(self, *, marks=(), attendance=()) -> None:
        """Set ``late_change`` (a note or ``None``) on each mark and attendance row, for the templates."""
        for mark in marks:
            mark.late_change = self.marks.get(mark.pk)
        for row in attendance:
            row.late_change = self.attendance.get(row.pk)

    def for_period_mark(self, *, subject_id: int, period_id: int) -> LateChangeNote | None:
        return self.period_marks_by_subject.get((subject_id, period_id))


def _state_key(key: str) -> Cast:
    """A key of the period mark's recorded state (``journal.states.period_mark_state``): the new one, or the
    old one for a deletion. The subject and the period of a period mark never change."""
    return Cast(Coalesce(KT(f"new__{key}"), KT(f"old__{key}")), BigIntegerField())


def late_changes_of_student(*, student: Student, lesson_ids=None, period: StudyPeriod | None = None) -> LateChangeNotes:
    """Per mark, attendance row and period mark of ``student``: the latest late change (раздел 4) that wrote it.

    ``lesson_ids`` limits marks and attendance to those lessons; ``period`` limits them to the lessons dated
    in the period, and period marks to that academic year's. One query (index ``audit_history_late_change``).
    """
    entries = (
        HistoryEntry.objects.filter(
            student_id=student.pk,
            source=HistoryEntry.Source.LATE_CHANGE,
            kind__in=[Kind.MARK, Kind.ATTENDANCE, Kind.PERIOD_MARK],
        )
        .exclude(action=HistoryEntry.Action.REFUSED)
        .annotate(subject_ref=_state_key("subject"), period_ref=_state_key("period"))
    )
    if lesson_ids is not None:
        entries = entries.filter(Q(lesson_id__in=list(lesson_ids)) | Q(kind=Kind.PERIOD_MARK))
    if period is not None:
        # Scalar subqueries by primary key, run for the student's few late changes only (an EXISTS here may be
        # planned as a hash of every lesson of the period in the database).
        entries = entries.annotate(
            lesson_date=Subquery(Lesson.objects.filter(pk=OuterRef("lesson_id")).order_by().values("date")),
            period_year=Subquery(StudyPeriod.objects.filter(pk=OuterRef("period_ref")).order_by().values("year")),
        ).filter(
            Q(lesson_date__range=(period.start, period.end)) | Q(kind=Kind.PERIOD_MARK, period_year=period.year_id)
        )
    notes = LateChangeNotes()
    fields = ("kind", "object_id", "subject_ref", "period_ref", "at", "reference")
    for kind, object_id, subject_id, period_id, at, number in entries.order_by("at", "id").values_list(*fields):
        note = LateChangeNote(applied_on=timezone.localdate(at), number=number)
        if kind == Kind.MARK:
            notes.marks[object_id] = note
        elif kind == Kind.ATTENDANCE:
            notes.attendance[object_id] = note
        else:
            notes.period_marks[object_id] = note
            notes.period_marks_by_subject[(subject_id, period_id)] = note
    return notes
