"""The edit windows of п. 3.3: one place decides whether an entry may be created, changed or deleted.

Every write path — the grid, the period-mark column, the admin, imports, management commands — asks
``entry_window`` and ``check_window``. The rows come from ``journal.EditWindow`` (changed by the deputy only
through ``journal.services.rules``, seeded with the regulation's defaults). «Day N» ends at 23:59:59.999999
Europe/Moscow.

A change of the rules governs only the entries still open at the moment of the change: each change leaves a
``WindowRevision`` (the rules as they were until then), and an entry whose window under those rules had
already closed stays closed, whatever the rules say now. Reopening a closed entry is раздел 4's business.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import EditWindow, WindowRevision

SCHOOL_TZ = ZoneInfo(settings.TIME_ZONE)

Entry = EditWindow.Entry
Anchor = EditWindow.Anchor


class WindowClosed(ValidationError):
    """A write outside its window: only a late-change request (раздел 4) may make it."""


@dataclass(frozen=True)
class Window:
    rule: EditWindow | None
    create_until: datetime.datetime | None
    change_until: datetime.datetime | None
    not_before: datetime.datetime | None = None

    def allows(self, action: str, at: datetime.datetime) -> bool:
        if self.not_before is not None and at < self.not_before:
            return False
        until = self.create_until if action == "create" else self.change_until
        return until is not None and at <= until

    @property
    def label(self) -> str:
        return self.rule.name if self.rule else _("правило не задано")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in school time."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=SCHOOL_TZ)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SCHOOL_TZ)


RULE_FIELDS = (
    "name",
    "entry",
    "work_category",
    "russian_or_literature_only",
    "min_grade",
    "max_grade",
    "create_anchor",
    "create_days",
    "change_anchor",
    "change_days",
    "priority",
    "regulation_ref",
)


@dataclass(frozen=True)
class Revision:
    """The rules in force until ``at`` (``WindowRevision``), and each work type's category until then."""

    at: datetime.datetime
    rules: list[EditWindow]
    categories: dict[int, str]


class RuleSet(list):
    """The window rows in force, best first, with the revisions of the past (``revisions``, oldest first)."""

    revisions: tuple[Revision, ...] = ()


def rule_snapshot(rule: EditWindow) -> dict:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def _ordered(rules) -> list[EditWindow]:
    return sorted(rules, key=lambda rule: (-rule.priority, rule.pk or 0))


def revision_of(row: WindowRevision) -> Revision:
    rules = [EditWindow(pk=index, **data) for index, data in enumerate(row.rules, start=1)]
    return Revision(
        at=row.at,
        rules=_ordered(rules),
        categories={int(pk): category for pk, category in row.categories.items()},
    )


def load_rules() -> RuleSet:
    """All window rows, best first, with the past revisions (two queries; pass the set on to avoid repeating)."""
    rules = RuleSet(EditWindow.objects.order_by("-priority", "id"))
    rules.revisions = tuple(revision_of(row) for row in WindowRevision.objects.order_by("at", "id"))
    return rules


def select_rule(
    rules: list[EditWindow], *, entry: str, work_category: str = "", russian_or_literature: bool = False, grade: int
) -> EditWindow | None:
    for rule in rules:  # already ordered by priority, highest first
        if rule.entry != entry:
            continue
        if rule.work_category and rule.work_category != work_category:
            continue
        if rule.russian_or_literature_only and not russian_or_literature:
            continue
        if not (rule.min_grade <= grade <= rule.max_grade):
            continue
        return rule
    return None


def _anchor_date(anchor: str, *, work_date=None, period=None) -> datetime.date | None:
    if anchor == Anchor.LESSON_DATE:
        return work_date
    if period is None:
        return None
    if anchor == Anchor.ORDER_DEADLINE:
        return period.marks_deadline
    return period.end


def _deadlines(rule: EditWindow | None, *, work_date, period) -> tuple[datetime.datetime | None, ...]:
    if rule is None:
        return None, None

    def deadline(anchor: str, days: int) -> datetime.datetime | None:
        day = _anchor_date(anchor, work_date=work_date, period=period)
        return end_of_day(day + datetime.timedelta(days=days)) if day else None

    return deadline(rule.create_anchor, rule.create_days), deadline(rule.change_anchor, rule.change_days)


def _kept_closed(until, old_until, revision_at):
    """``until`` unless the entry's window under the old rules had closed before the change: then that."""
    if old_until is not None and old_until >= revision_at:
        return until  # still open at the change: the new rules govern it
    if old_until is None:
        return None  # no rule before the change: it stays without one
    return old_until if until is None else min(until, old_until)


def entry_window(
    *,
    entry: str,
    grade: int,
    work_date: datetime.date | None = None,
    period=None,
    work_category: str = "",
    russian_or_literature: bool = False,
    work_type_id: int | None = None,
    rules: list[EditWindow] | None = None,
) -> Window:
    """The window of one entry. ``work_date`` for marks and attendance; ``period`` for period marks.

    ``rules`` from ``load_rules`` (or ``journal.caches.edit_window_rules``) bring the past revisions: an entry
    closed under the rules in force at a revision stays closed (``work_type_id`` finds a mark's category then).
    """
    rules = rules if rules is not None else load_rules()
    selection = {"entry": entry, "russian_or_literature": russian_or_literature, "grade": grade}
    rule = select_rule(rules, work_category=work_category, **selection)
    create_until, change_until = _deadlines(rule, work_date=work_date, period=period)
    opened = start_of_day(work_date) if work_date is not None else (start_of_day(period.start) if period else None)
    for revision in getattr(rules, "revisions", ()):
        if opened is None or revision.at <= opened:
            continue  # the entry did not exist yet when the rules changed
        category = revision.categories.get(work_type_id, work_category) if work_type_id else work_category
        old_rule = select_rule(revision.rules, work_category=category, **selection)
        old_create, old_change = _deadlines(old_rule, work_date=work_date, period=period)
        create_until = _kept_closed(create_until, old_create, revision.at)
        change_until = _kept_closed(change_until, old_change, revision.at)
    if rule is None:
        return Window(rule=None, create_until=None, change_until=None)
    # A lesson's marks and attendance can't be entered before the lesson has happened.
    not_before = start_of_day(work_date) if work_date is not None else None
    return Window(rule=rule, create_until=create_until, change_until=change_until, not_before=not_before)


def mark_window(*, lesson, work_type, rules=None) -> Window:
    assignment = lesson.assignment
    return entry_window(
        entry=Entry.MARK,
        grade=assignment.school_class.grade,
        work_date=lesson.date,
        work_category=work_type.category,
        russian_or_literature=assignment.subject.is_russian_or_literature,
        work_type_id=work_type.pk,
        rules=rules,
    )


def attendance_window(*, lesson, rules=None) -> Window:
    return entry_window(
        entry=Entry.ATTENDANCE, grade=lesson.assignment.school_class.grade, work_date=lesson.date, rules=rules
    )


def period_mark_window(*, period, grade: int, rules=None) -> Window:
    entry = Entry.YEAR_MARK if period.is_final else Entry.PERIOD_MARK
    return entry_window(entry=entry, grade=grade, period=period, rules=rules)


def _day(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value, SCHOOL_TZ), "d.m.Y")


def check_window(window: Window, action: str, *, what: str, at: datetime.datetime | None = None) -> None:
    """Raise ``WindowClosed`` with a Russian message unless ``action`` ("create", "update", "delete") is open."""
    at = at or timezone.now()
    if window.allows(action, at):
        return
    if window.rule is None:
        raise WindowClosed(_("Для записи «%(what)s» не задан срок редактирования.") % {"what": what})
    if window.not_before is not None and at < window.not_before:
        raise WindowClosed(
            _("%(what)s: урок ещё не проведён, запись откроется %(day)s.")
            % {"what": what, "day": _day(window.not_before)}
        )
    until = window.create_until if action == "create" else window.change_until
    verb = _("внести") if action == "create" else _("изменить или удалить")
    raise WindowClosed(
        _(
            "%(what)s: %(verb)s можно было до %(day)s включительно (%(rule)s, %(ref)s). "
            "Теперь изменение возможно только по заявлению на имя директора (раздел 4 положения)."
        )
        % {
            "what": what,
            "verb": verb,
            "day": _day(until) if until else "—",
            "rule": window.label,
            "ref": window.rule.regulation_ref,
        },
        code="window_closed",
    )


def open_until_label(window: Window, action: str = "create") -> str:
    """«открыто до 30.11» / «закрыто с 21.11» for the grid."""
    until = window.create_until if action == "create" else window.change_until
    if until is None:
        return _("срок не задан")
    local = timezone.localtime(until, SCHOOL_TZ)
    if timezone.now() <= until:
        return _("открыто до %(day)s") % {"day": date_format(local, "d.m")}
    return _("было открыто до %(day)s") % {"day": date_format(local, "d.m")}
