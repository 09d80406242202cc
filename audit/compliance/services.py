"""Writes of audit.compliance: the nightly runs that refresh the findings, snapshots and timeliness.

A run takes one school, locks its ``ComplianceState`` row (two runs of a school queue up instead of racing),
runs the checks of its job and, in the same transaction:

- opens a finding for each new cause, touches the open ones still seen, resolves those whose cause is gone;
- stores the day's count per criterion and per class (running twice a day overwrites, never duplicates);
- for the deadline job, stores each teacher's share of marks entered within 10 days.

Running it again changes nothing but the «last seen» times: the job is idempotent.
"""

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from journal import pagecache
from journal.models import School

from . import checks
from .checks import CRITERIA, CheckResult, Context, Job
from .models import ClassSnapshot, ComplianceState, CriterionSnapshot, Finding, TeacherTimeliness

BATCH = 500

#: The fields a run may refresh on an open finding (the text changes when a name or a count does), as
#: attribute names: ``bulk_update`` and ``only`` accept them too.
REFRESHED = (
    "content_type_id",
    "object_id",
    "label",
    "detail",
    "school_class_id",
    "teacher_id",
    "person_id",
    "period_id",
    "day",
    "amount",
)


def _batched(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OutOfOrder(Exception):
    """A run for an instant before the job's last run: findings never go back in time."""


@dataclass
class RunSummary:
    school_id: int
    job: str
    counts: dict[str, int] = field(default_factory=dict)
    opened: int = 0
    resolved: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "school_id": self.school_id,
            "job": str(self.job),
            "counts": {str(code): count for code, count in self.counts.items()},
            "opened": self.opened,
            "resolved": self.resolved,
            "seconds": round(self.seconds, 3),
        }


def deadline_checks_run(*, school_id: int, now: datetime.datetime | None = None) -> RunSummary:
    """п. 3.3, «Актуальность информации …»: КТП, timetable, cards, topics, homework, attendance, marks in
    10 days, period marks after the «срок по приказу»; and each teacher's share of marks in time."""
    return _run(school_id=school_id, job=Job.DEADLINES, now=now)


def visit_checks_run(*, school_id: int, now: datetime.datetime | None = None) -> RunSummary:
    """п. 3.3, «Статистика посещений»: receipts of parents' accounts, parents weekly, students every 2 days."""
    return _run(school_id=school_id, job=Job.VISITS, now=now)


def _run(*, school_id: int, job: str, now: datetime.datetime | None) -> RunSummary:
    started = time.monotonic()
    School.objects.only("pk").get(pk=school_id)  # a missing school is an error, not an empty run
    ComplianceState.objects.get_or_create(school_id=school_id)
    with transaction.atomic():
        _jit_off()
        state = ComplianceState.objects.select_for_update().select_related("school").get(school_id=school_id)
        # «Now» is read once the lock is held: a run that waited for another one comes after it.
        now = now or timezone.now()
        last = getattr(state, f"{job}_at")
        if last is not None and now < last:
            raise OutOfOrder(f"school {school_id}: {job} already computed at {last:%Y-%m-%d %H:%M} (UTC)")
        ctx = checks.load_context(school=state.school, now=now)
        results = checks.run_checks(ctx, job)
        summary = RunSummary(school_id=school_id, job=job)
        summary.opened, summary.resolved = findings_sync(school=state.school, results=results, now=now)
        summary.counts = snapshots_store(ctx=ctx, results=results)
        if job == Job.DEADLINES:
            timeliness_store(ctx=ctx, results=results)
        summary.seconds = time.monotonic() - started
        setattr(state, f"{job}_at", now)
        setattr(state, f"{job}_seconds", summary.seconds)
        state.save(update_fields=[f"{job}_at", f"{job}_seconds"])
        pagecache.school_results_changed(school_id)  # the dashboard shows the new results
    return summary


def _jit_off() -> None:
    """No JIT compilation for the rest of this transaction (PostgreSQL only).

    The late-marks query crosses PostgreSQL's ``jit_above_cost`` once a city's marks are in the tables and
    then spends more compiling than the compiled code saves: at 20 schools JIT took 161 of its 690 ms
    (bench, EXPLAIN ANALYZE); with JIT forced on at the school scale, turning it off saves 90–130 ms a run.
    ``SET LOCAL`` ends with the transaction, so the connection is left as it was found.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def findings_sync(*, school: School, results: list[CheckResult], now: datetime.datetime) -> tuple[int, int]:
    """Make the open findings of these criteria match the current causes. Returns (opened, resolved).

    Set-based: one read of the open findings, then one UPDATE for those still seen, batched UPDATEs for the
    resolved, ``bulk_update`` for the changed texts and ``bulk_create`` for the new ones.
    """
    criteria = [r.criterion for r in results]
    current = {(r.criterion, cause.key): cause for r in results for cause in r.causes}
    types = ContentType.objects.get_for_models(*{cause.model for cause in current.values()})
    fields = {name: _field_values(cause, types) for name, cause in current.items()}

    resolved: list[int] = []
    changed: list[Finding] = []
    open_findings = Finding.objects.open().filter(school=school, criterion__in=criteria)
    for finding in open_findings.only("id", "criterion", "key", *REFRESHED):
        values = fields.pop((finding.criterion, finding.key), None)
        if values is None:
            resolved.append(finding.pk)
            continue
        if any(getattr(finding, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(finding, name, value)
            changed.append(finding)
    for chunk in _batched(resolved):
        Finding.objects.filter(pk__in=chunk).update(resolved_at=now)
    open_findings.update(last_seen=now)
    if changed:
        Finding.objects.bulk_update(changed, list(REFRESHED), batch_size=BATCH)
    Finding.objects.bulk_create(
        [
            Finding(school=school, criterion=criterion, key=key, first_seen=now, last_seen=now, **values)
            for (criterion, key), values in fields.items()
        ],
        batch_size=BATCH,
    )
    return len(fields), len(resolved)


def _field_values(cause: checks.Cause, types: dict) -> dict:
    return {
        "content_type_id": types[cause.model].pk,
        "object_id": cause.object_id,
        "label": cause.label[:300],
        "detail": cause.detail[:500],
        "school_class_id": cause.school_class_id,
        "teacher_id": cause.teacher_id,
        "person_id": cause.person_id,
        "period_id": cause.period_id,
        "day": cause.day,
        "amount": cause.amount,
    }


def _count(result: CheckResult, causes) -> int:
    if CRITERIA[result.criterion].counts_people:
        return len({cause.person_id for cause in causes})
    return len(causes)


def snapshots_store(*, ctx: Context, results: list[CheckResult]) -> dict[str, int]:
    """The day's counts per criterion (upserted: unique per school, day and criterion) and per class."""
    day = ctx.today
    counts = {r.criterion: _count(r, r.causes) for r in results}
    CriterionSnapshot.objects.bulk_create(
        [
            CriterionSnapshot(
                school=ctx.school,
                day=day,
                criterion=r.criterion,
                count=counts[r.criterion],
                total=r.total,
                computed_at=ctx.now,
            )
            for r in results
        ],
        update_conflicts=True,
        unique_fields=["school", "day", "criterion"],
        update_fields=["count", "total", "computed_at"],
    )
    # Per class: this run's rows replace the day's earlier ones (a class with no violation left keeps no row,
    # unless the criterion counts what was checked in each class, as the visit statistics do).
    ClassSnapshot.objects.filter(
        school_class__in=list(ctx.classes), day=day, criterion__in=[r.criterion for r in results]
    ).delete()
    rows = []
    for result in results:
        by_class = defaultdict(list)
        for cause in result.causes:
            if cause.school_class_id in ctx.classes:
                by_class[cause.school_class_id].append(cause)
        totals = result.class_totals or {}
        for class_id in sorted(set(by_class) | set(totals)):
            rows.append(
                ClassSnapshot(
                    school_class_id=class_id,
                    day=day,
                    criterion=result.criterion,
                    count=_count(result, by_class.get(class_id, [])),
                    total=totals.get(class_id) if result.class_totals is not None else None,
                )
            )
    ClassSnapshot.objects.bulk_create(rows, batch_size=BATCH)
    return counts


def timeliness_store(*, ctx: Context, results: list[CheckResult]) -> int:
    """Each teacher's current marks of the year and how many came later than 10 days (п. 3.3).

    Counted by the late-marks check in its one pass over the marks; replaces the day's earlier rows.
    """
    TeacherTimeliness.objects.filter(school=ctx.school, day=ctx.today).delete()
    per_teacher = next((r.timeliness for r in results if r.timeliness is not None), None) or {}
    TeacherTimeliness.objects.bulk_create(
        [
            TeacherTimeliness(
                school=ctx.school, teacher_id=teacher_id, day=ctx.today, marks_total=total, marks_late=late
            )
            for teacher_id, (total, late) in sorted(per_teacher.items())
        ],
        batch_size=BATCH,
    )
    return len(per_teacher)
