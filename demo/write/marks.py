"""What a teacher enters after a lesson: absences and marks; and at the end of a period, the period marks.

Marks follow each student's ability with a per-subject offset; the teachers see to it that everyone has marks for
the period, so those with fewer marks are asked first. Period marks are the weighted average of the period.
"""

import datetime
import random
from collections import defaultdict

from journal.models import Attendance, Lesson, Mark, PeriodMark, WorkType

from .. import curriculum as cur
from ..plan import LATE_DAYS, PAssignment, PClass, PeriodDates, PStudent, at
from . import Written

Planned = tuple[str, str | None]


def day_absences(cls: PClass, ill: dict[PStudent, list], rng: random.Random) -> dict[PStudent, str]:
    """Whole-day absences of a class: illness spells (Б) and days away for a valid reason (У).

    ``ill``: student → [days left, code] of the spell going on, kept from day to day.
    """
    absent = {}
    illness = 0.008 if cls.grade <= 4 else 0.006
    for student in cls.students:
        spell = ill.get(student)
        if spell is None or spell[0] <= 0:
            roll = rng.random()
            if roll < illness:
                spell = ill[student] = [rng.randint(2, 6), Attendance.Code.ILL]
            elif roll < illness + 0.0015:
                spell = ill[student] = [rng.randint(1, 2), Attendance.Code.VALID]
        if spell is not None and spell[0] > 0:
            spell[0] -= 1
            absent[student] = spell[1]
    return absent


def lesson_absences(
    lesson: Lesson, a: PAssignment, absent_today: dict[PStudent, str], rng: random.Random
) -> dict[PStudent, str]:
    """The day's absences of the lesson's students, and those who skipped or came late to this lesson."""
    skip = 0.007 if a.cls.grade >= 9 else 0.003
    late = 0.012 if lesson.number == 1 else 0.003
    result = {}
    for student in a.students:
        code = absent_today.get(student)
        if code is None:
            roll = rng.random()
            if roll < skip:
                code = Attendance.Code.ABSENT
            elif roll < skip + late:
                code = Attendance.Code.LATE
        if code is not None:
            result[student] = code
    return result


class Marks:
    def __init__(self, w: Written, rng: random.Random):
        self.w = w
        self.rng = rng
        #: (period, student, subject) → [Σ value × weight, Σ weight]
        self.totals: dict[tuple[PeriodDates, PStudent, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.offsets: dict[tuple[PStudent, str], float] = {}
        #: The late teacher entered some marks more than 10 days late (at least once).
        self.late_entered = False
        self._periods: dict[tuple[str, datetime.date], PeriodDates | None] = {}

    def for_lesson(
        self, lesson: Lesson, a: PAssignment, planned: Planned | None, absent: dict[PStudent, str]
    ) -> list[Mark]:
        plan, rng = self.w.plan, self.rng
        if not cur.SUBJECT_BY_KEY[a.subject].graded or a.cls.grade == 1:
            return []
        late_teacher = a.teacher is plan.late_teacher
        if late_teacher and lesson.date >= plan.today - datetime.timedelta(days=LATE_DAYS):
            return []  # the teacher who is behind: nothing entered for the last two and a half weeks
        present = [
            s
            for s in a.students
            if absent.get(s) in (None, Attendance.Code.LATE) and not (a.subject == "pe" and s.exempt_pe)
        ]
        if not present:
            return []
        work = planned[1] if planned else None
        key = (a.cls.kind, lesson.date)
        if key not in self._periods:
            self._periods[key] = plan.calendar.period_of(*key)
        period = self._periods[key]
        if work:
            chosen = [s for s in present if rng.random() > 0.03]
            delay_choices = [1, 1, 2, 2, 3, 4, 5]
        else:
            count = rng.choice([3, 4, 5, 6, 7, 7, 8, 9, 10])
            count = max(1, round(count * len(present) / 26)) if len(present) < 20 else count
            weights = {
                s: self.totals[key][1] if (key := (period, s, a.subject)) in self.totals else 0.0 for s in present
            }
            chosen = sorted(present, key=lambda s: weights[s] + 3 * rng.random())[:count]
            delay_choices = [0] * 15 + [1] * 3 + [2, 3]
        # …and some of the late teacher's earlier marks went in more than 10 days after the lesson.
        late_entry = late_teacher and (not self.late_entered or rng.random() < 0.35)
        self.late_entered |= late_entry
        teacher = self.w.users[a.teacher].pk
        marks = []
        for student in chosen:
            if work:
                work_type = self.w.work_types[work]
                comment = planned[0][:255]
                shift = -0.15
            else:
                work_type = self._current_work_type(a.subject)
                shift = 0.0
                if work_type.name in (cur.WT_INDEPENDENT, cur.WT_CHECK) and lesson.topic:
                    comment = f"{work_type.name}: {lesson.topic}"[:255]
                elif rng.random() < 0.4:
                    comment = rng.choice(cur.MARK_COMMENTS[a.subject])
                else:
                    comment = ""
            value = self._value(student, a.subject, shift)
            delay = rng.randint(11, 15) if late_entry else rng.choice(delay_choices)
            day = min(lesson.date + datetime.timedelta(days=delay), plan.today - datetime.timedelta(days=1))
            entered = at(day, rng.randint(14, 21), rng.randint(0, 59))
            marks.append(
                Mark(
                    student_id=self.w.students[student].pk,
                    lesson_id=lesson.pk,
                    value=value,
                    work_type_id=work_type.pk,
                    weight=work_type.weight,
                    comment=comment,
                    entered_by_id=teacher,
                    entered_at=entered,
                    changed_by_id=teacher,
                    changed_at=entered,
                    version=1,
                )
            )
            if period is not None:
                total = self.totals[(period, student, a.subject)]
                total[0] += value * float(work_type.weight)
                total[1] += float(work_type.weight)
        return marks

    def _current_work_type(self, subject: str) -> WorkType:
        if subject in {"pe", "tech", "art"}:
            name = self.rng.choices([cur.WT_ANSWER, cur.WT_PRACTICAL], [45, 55])[0]
        else:
            name = self.rng.choices(
                [cur.WT_ANSWER, cur.WT_HOMEWORK, cur.WT_INDEPENDENT, cur.WT_CHECK, cur.WT_PRACTICAL],
                [58, 15, 17, 6, 4],
            )[0]
        return self.w.work_types[name]

    def _value(self, student: PStudent, subject: str, shift: float) -> int:
        key = (student, subject)
        if key not in self.offsets:
            self.offsets[key] = self.rng.gauss(0, 0.3)
        value = round(self.rng.gauss(student.ability + self.offsets[key] + shift, 0.7))
        return min(5, max(2, value))

    def for_period(self, period: PeriodDates) -> list[PeriodMark]:
        """Четвертные / полугодовые отметки from the weighted average, with a few left out on purpose."""
        plan, rng = self.w.plan, self.rng
        forgotten = plan.missing_period_marks.get((period.kind, period.number))
        last_day = min(period.deadline, plan.today - datetime.timedelta(days=1))
        rows: list[PeriodMark] = []
        for cls in plan.classes:
            if cls.kind != period.kind or cls.grade < 2:
                continue
            for a in cls.assignments:
                if not cur.SUBJECT_BY_KEY[a.subject].graded or a is forgotten:
                    continue
                careless = cls is not plan.demo_class and a.teacher.index not in plan.protected
                for student in a.students:
                    if careless and rng.random() < 0.012:
                        continue
                    total, weight = self.totals.get((period, student, a.subject), (0.0, 0.0))
                    if a.subject == "pe" and student.exempt_pe:
                        value = PeriodMark.Value.EXEMPT
                    elif weight == 0:
                        value = PeriodMark.Value.NOT_ATTESTED
                    else:
                        average = total / weight
                        value = "5" if average >= 4.5 else "4" if average >= 3.5 else "3" if average >= 2.5 else "2"
                    day = period.end - datetime.timedelta(days=rng.randint(0, 5))
                    day = min(day + datetime.timedelta(days=rng.randint(0, 3)), last_day)
                    entered = at(day, rng.randint(15, 21), rng.randint(0, 59))
                    user = self.w.users[a.teacher].pk
                    rows.append(
                        PeriodMark(
                            student_id=self.w.students[student].pk,
                            subject_id=self.w.subjects[a.subject].pk,
                            period_id=self.w.periods[(period.kind, period.number)].pk,
                            value=value,
                            entered_by_id=user,
                            entered_at=entered,
                            changed_by_id=user,
                            changed_at=entered,
                        )
                    )
        return rows
