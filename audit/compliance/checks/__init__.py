"""The checks of п. 3.3: each finds, for one school, the current causes of one criterion.

A check reads the journal in a few set-based queries (never one per lesson or per student) and returns
its causes with what was checked (the base of the share). It writes nothing: ``services`` compares the
causes with the stored findings. The registry ``CRITERIA`` describes each criterion for the dashboard.

One module per criterion of the table in п. 3.3: ``content`` (КТП, timetable, cards), ``lessons`` (topics,
homework, attendance, marks within 10 days, period marks), ``visits`` (parents' documents, diary visits);
``base`` holds the run's context and what a check returns.

Deadlines are those of the regulation: «до начала учебного года (для расписания — учебного периода)»,
«срок информирования об оценках не более 10 дней от даты проведения урока», «срок, указанный в приказе»
for period and year marks, diary visits «не реже 1 раза в неделю» (parents) and «1 раза в 2 дня»
(students). «Day N» ends at 23:59:59 Europe/Moscow, as in the edit windows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy

from ..models import Criterion
from .base import Cause, CheckResult, Context, load_context
from .content import check_ktp, check_school_card, check_student_cards, check_teacher_cards, check_timetable
from .lessons import (
    check_assessed_marks,
    check_attendance,
    check_homework,
    check_late_marks,
    check_period_marks,
    check_topics,
)
from .visits import check_parent_visits, check_parents, check_receipts, check_student_visits

__all__ = [
    "CRITERIA",
    "Cause",
    "CheckResult",
    "Context",
    "CriterionInfo",
    "Group",
    "Job",
    "criteria_of",
    "load_context",
    "run_checks",
]


class Group(models.TextChoices):
    """The three criteria of the table in п. 3.3."""

    CONTENT = (
        "content",
        gettext_lazy(
            "Актуальность информации об ОУ, педагогическом коллективе и обучающихся, содержании образовательного процесса"
        ),
    )
    PROGRESS = (
        "progress",
        gettext_lazy(
            "Актуальность информации о ходе, результатах текущего контроля успеваемости, промежуточной аттестации "
            "обучающихся и посещаемости ими уроков"
        ),
    )
    VISITS = "visits", gettext_lazy("Статистика посещений родителями (законными представителями) и обучающимися")


class Job(models.TextChoices):
    DEADLINES = "deadlines", gettext_lazy("проверка сроков")
    VISITS = "visits", gettext_lazy("статистика посещений")


@dataclass(frozen=True)
class CriterionInfo:
    code: str
    group: str
    job: str
    violation: str
    unit: str
    check: Callable[[Context], CheckResult]
    #: Counted in people (parents), not in findings: a parent of two children is one parent.
    counts_people: bool = False
    #: Findings name a responsible teacher worth a drill-down.
    by_teacher: bool = True
    by_class: bool = True
    #: Advisory: a finding is worth a look, not necessarily a breach (homework is optional).
    advisory: bool = False

    @property
    def title(self) -> str:
        return Criterion(self.code).label


_L = gettext_lazy

CRITERIA: dict[str, CriterionInfo] = {
    info.code: info
    for info in [
        CriterionInfo(
            Criterion.KTP,
            Group.CONTENT,
            Job.DEADLINES,
            _L("нет КТП на начало учебного года"),
            _L("нагрузок"),
            check_ktp,
        ),
        CriterionInfo(
            Criterion.TIMETABLE,
            Group.CONTENT,
            Job.DEADLINES,
            _L("нет расписания на начало учебного периода"),
            _L("классов"),
            check_timetable,
        ),
        CriterionInfo(
            Criterion.SCHOOL_CARD,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка ОУ не заполнена на начало учебного года"),
            _L("карточек"),
            check_school_card,
            by_teacher=False,
            by_class=False,
        ),
        CriterionInfo(
            Criterion.TEACHER_CARDS,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка учителя не заполнена на начало учебного года"),
            _L("учителей"),
            check_teacher_cards,
            by_class=False,
        ),
        CriterionInfo(
            Criterion.STUDENT_CARDS,
            Group.CONTENT,
            Job.DEADLINES,
            _L("карточка ученика не заполнена на начало учебного года"),
            _L("учеников"),
            check_student_cards,
        ),
        CriterionInfo(
            Criterion.TOPICS, Group.PROGRESS, Job.DEADLINES, _L("проведённый урок без темы"), _L("уроков"), check_topics
        ),
        CriterionInfo(
            Criterion.HOMEWORK,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("урок текущего периода без домашнего задания, хотя по предмету задания задаются"),
            _L("уроков"),
            check_homework,
            advisory=True,
        ),
        CriterionInfo(
            Criterion.ATTENDANCE,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("посещаемость не отмечена в течение 2 дней"),
            _L("уроков"),
            check_attendance,
        ),
        CriterionInfo(
            Criterion.LATE_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("отметки внесены позже 10 дней после урока"),
            _L("уроков"),
            check_late_marks,
        ),
        CriterionInfo(
            Criterion.ASSESSED_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("нет отметок через 10 дней после работы, запланированной в КТП"),
            _L("уроков"),
            check_assessed_marks,
        ),
        CriterionInfo(
            Criterion.PERIOD_MARKS,
            Group.PROGRESS,
            Job.DEADLINES,
            _L("нет отметок за период или год после срока по приказу"),
            _L("нагрузок"),
            check_period_marks,
        ),
        CriterionInfo(
            Criterion.RECEIPTS,
            Group.VISITS,
            Job.VISITS,
            _L("родитель с доступом без документа о получении учётной записи"),
            _L("родителей"),
            check_receipts,
            counts_people=True,
        ),
        CriterionInfo(
            Criterion.PARENT_VISITS,
            Group.VISITS,
            Job.VISITS,
            _L("родитель не открывал дневник 7 дней"),
            _L("родителей"),
            check_parent_visits,
            counts_people=True,
        ),
        CriterionInfo(
            Criterion.STUDENT_VISITS,
            Group.VISITS,
            Job.VISITS,
            _L("обучающийся не открывал дневник 2 дня"),
            _L("учеников"),
            check_student_visits,
        ),
    ]
}


def criteria_of(job: str) -> list[str]:
    return [code for code, info in CRITERIA.items() if info.job == job]


def run_checks(ctx: Context, job: str) -> list[CheckResult]:
    """Every check of a job; the two parent checks share one read."""
    results = []
    for code in criteria_of(job):
        if code == Criterion.RECEIPTS:
            receipts, parent_visits = check_parents(ctx)
            results += [receipts, parent_visits]
        elif code == Criterion.PARENT_VISITS:
            continue
        else:
            results.append(CRITERIA[code].check(ctx))
    return results
