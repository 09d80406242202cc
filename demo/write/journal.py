"""The journal from 1 September to «today», written week by week: lessons with topics and homework, absences,
marks, and the period marks once a period's deadline has passed — each entry with its history entry, exactly
as a service would have recorded it."""

import datetime
from collections import defaultdict

from journal.history import history_record_many
from journal.models import Attendance, HistoryEntry, Lesson, Mark, PeriodMark
from journal.states import (
    attendance_state,
    history_entry_for,
    homework_state,
    mark_state,
    period_mark_state,
    topic_state,
)

from .. import curriculum as cur
from ..plan import GAP_DAYS, PAssignment, PStudent, PTeacher
from . import BATCH, Written, batched
from .marks import Marks, Planned, day_absences, lesson_absences


def write_journal(w: Written) -> None:
    JournalWriter(w).write()


class JournalWriter:
    def __init__(self, w: Written):
        self.w = w
        self.plan = w.plan
        self.rng = w.rng("journal")
        self.marks = Marks(w, self.rng)
        #: assignment → lessons held so far (the next КТП topic)
        self.held: dict[PAssignment, int] = defaultdict(int)
        #: student → [days left, code] of an illness spell
        self.ill: dict[PStudent, list] = {}
        #: gaps made at least once: ("topic" | "homework", teacher index)
        self.gaps_left: set[tuple[str, int]] = set()
        self.pending_periods = sorted(
            [*self.plan.calendar.quarters, *self.plan.calendar.halves], key=lambda p: (p.deadline, p.kind)
        )

    def write(self) -> None:
        weeks: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
        for day in self.plan.school_days:
            weeks[day.isocalendar()[:2]].append(day)
        for days in weeks.values():
            self._flush_period_marks(before=days[0])
            self._write_week(days)
        self._flush_period_marks(before=self.plan.today)

    def _write_week(self, days: list[datetime.date]) -> None:
        w, plan, rng = self.w, self.plan, self.rng
        today = plan.today
        gap_teachers = {t.index for t in plan.gap_teachers}
        recent = today - datetime.timedelta(days=GAP_DAYS)
        lessons: list[Lesson] = []
        meta: list[tuple[PAssignment, dict[PStudent, str], Planned | None]] = []
        for day in days:
            for cls in plan.classes:
                absent_today = day_absences(cls, self.ill, rng) if day < today else {}
                for number, taught in cls.schedule.get(day.isoweekday(), []):
                    for a in taught:
                        teacher = a.teacher
                        lesson = Lesson(assignment_id=w.assignments[a].pk, date=day, number=number, room=a.room)
                        planned = None
                        if day < today and teacher.index not in plan.protected and rng.random() < 0.002:
                            lesson.is_held = False  # cancelled
                        else:
                            held = self.held[a]
                            planned = a.ktp[held] if held < len(a.ktp) else None
                            if planned is not None:
                                lesson.topic = planned[0][:500]
                                topics = w.topics.get(a)
                                lesson.planned_topic_id = topics[held].pk if topics is not None else None
                            lesson.homework = self._homework(a, held, planned)
                            self.held[a] += 1
                            if teacher.index in gap_teachers and recent <= day < today:
                                self._leave_gaps(lesson, teacher)
                            if day < today:
                                lesson.attendance_checked_at = w.lesson_time(day, number, rng.randint(3, 15))
                        lessons.append(lesson)
                        meta.append((a, absent_today, planned))
        for chunk in batched(lessons):
            Lesson.objects.bulk_create(chunk)
        w.counts["lessons"] += len(lessons)
        entries: list[HistoryEntry] = []
        marks: list[Mark] = []
        attendance: list[Attendance] = []
        for lesson, (a, absent_today, planned) in zip(lessons, meta, strict=True):
            if not lesson.is_held:
                continue
            user = w.users[a.teacher].pk
            written = w.lesson_time(lesson.date, lesson.number, rng.randint(5, 40))
            if lesson.topic:
                entries.append(_entry(HistoryEntry.Kind.TOPIC, lesson, topic_state(lesson), user, written))
            if lesson.homework:
                written = written + datetime.timedelta(minutes=1)
                entries.append(_entry(HistoryEntry.Kind.HOMEWORK, lesson, homework_state(lesson), user, written))
            if lesson.date >= today:
                continue
            absent = lesson_absences(lesson, a, absent_today, rng)
            for student, code in absent.items():
                entered = w.lesson_time(lesson.date, lesson.number, rng.randint(2, 15))
                attendance.append(
                    Attendance(
                        student_id=w.students[student].pk,
                        lesson_id=lesson.pk,
                        code=code,
                        entered_by_id=user,
                        entered_at=entered,
                        changed_by_id=user,
                        changed_at=entered,
                    )
                )
            marks += self.marks.for_lesson(lesson, a, planned, absent)
        for chunk in batched(marks):
            Mark.objects.bulk_create(chunk)
        for chunk in batched(attendance):
            Attendance.objects.bulk_create(chunk)
        w.counts["marks"] += len(marks)
        w.counts["attendance"] += len(attendance)
        entries += [_entry(HistoryEntry.Kind.MARK, m, mark_state(m), m.entered_by_id, m.entered_at) for m in marks]
        entries += [
            _entry(HistoryEntry.Kind.ATTENDANCE, row, attendance_state(row), row.entered_by_id, row.entered_at)
            for row in attendance
        ]
        self._record(entries)

    def _leave_gaps(self, lesson: Lesson, teacher: PTeacher) -> None:
        """A careless teacher's held lesson: sometimes no topic, sometimes no homework (at least once each)."""
        rng = self.rng
        if ("topic", teacher.index) not in self.gaps_left or rng.random() < 0.08:
            self.gaps_left.add(("topic", teacher.index))
            lesson.topic, lesson.planned_topic_id = "", None
        elif lesson.homework and (("homework", teacher.index) not in self.gaps_left or rng.random() < 0.12):
            self.gaps_left.add(("homework", teacher.index))
            lesson.homework = ""

    def _homework(self, a: PAssignment, index: int, planned: Planned | None) -> str:
        rng = self.rng
        info = cur.SUBJECT_BY_KEY[a.subject]
        if a.cls.grade == 1:  # СанПиН: no homework in the first grade
            return ""
        patterns = cur.HOMEWORK.get(a.subject)
        if not patterns:
            return ""
        if not info.homework:
            return rng.choice(patterns) if rng.random() < 0.05 else ""
        if planned is not None and planned[1] and rng.random() < 0.6:
            return ""  # nothing is set after a test
        if rng.random() < 0.07:
            return ""
        total = max(1, len(a.ktp))
        n = 10 + index * 4 + rng.randint(0, 3)
        page = 6 + index * 2
        values = {
            "p": 1 + index * 38 // total,
            "n": n,
            "n2": n + rng.randint(1, 4),
            "n3": n + rng.randint(5, 9),
            "m": 4 + index + rng.randint(0, 2),
            "pg": page,
            "pg2": page + rng.randint(2, 6),
            "q": rng.randint(3, 6),
        }
        return rng.choice(patterns).format(**values)

    def _flush_period_marks(self, *, before: datetime.date) -> None:
        while self.pending_periods and self.pending_periods[0].deadline < before:
            rows = self.marks.for_period(self.pending_periods.pop(0))
            for chunk in batched(rows):
                PeriodMark.objects.bulk_create(chunk)
            self.w.counts["period_marks"] += len(rows)
            self._record(
                [
                    _entry(HistoryEntry.Kind.PERIOD_MARK, r, period_mark_state(r), r.entered_by_id, r.entered_at)
                    for r in rows
                ]
            )

    def _record(self, entries: list[HistoryEntry]) -> None:
        entries.sort(key=lambda e: (e.at, e.kind, e.object_id))
        self.w.counts["history"] += history_record_many(entries, batch_size=BATCH)


def _entry(kind: str, obj, state: dict, user, at: datetime.datetime) -> HistoryEntry:
    """The history entry a service would have written when ``obj`` was created."""
    return history_entry_for(
        kind=kind,
        action=HistoryEntry.Action.CREATE,
        obj=obj,
        old=None,
        new=state,
        user=user,
        source=HistoryEntry.Source.SEED,
        at=at,
    )
