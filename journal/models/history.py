"""The ledger's own rules and record: the edit windows of п. 3.3 and the append-only, hash-chained history.

The tables keep the names they were created with in the ``audit`` app (``audit_editwindow``,
``audit_historyentry``, ``audit_historyhead``): the models moved to the journal by state-only migrations
(journal 0006), so an existing database moved forward without a row being copied.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EditWindow(models.Model):
    """A row of the edit-window table (п. 3.3), editable by the deputy in the admin.

    ``journal.windows.entry_window`` picks, for an entry, the matching row with the highest priority and
    turns its anchors and day counts into deadlines. «Day N» ends at 23:59:59 Europe/Moscow.
    """

    class Entry(models.TextChoices):
        MARK = "mark", _("текущая отметка")
        ATTENDANCE = "attendance", _("посещаемость")
        PERIOD_MARK = "period_mark", _("отметка за четверть / полугодие")
        YEAR_MARK = "year_mark", _("годовая и итоговая отметка")

    class Anchor(models.TextChoices):
        LESSON_DATE = "lesson_date", _("дата урока (работы)")
        ORDER_DEADLINE = "order_deadline", _("срок по приказу")
        PERIOD_END = "period_end", _("окончание периода")

    name = models.CharField(_("правило"), max_length=200)
    entry = models.CharField(_("запись"), max_length=16, choices=Entry)
    work_category = models.CharField(
        _("категория работы"),
        max_length=10,
        blank=True,
        help_text=_("Только для отметок; пусто — любая категория."),
    )
    russian_or_literature_only = models.BooleanField(_("только русский язык и литература"), default=False)
    min_grade = models.PositiveSmallIntegerField(_("с класса"), default=1)
    max_grade = models.PositiveSmallIntegerField(_("по класс"), default=11)
    create_anchor = models.CharField(_("создать: от"), max_length=16, choices=Anchor)
    create_days = models.SmallIntegerField(_("создать: дней"))
    change_anchor = models.CharField(_("изменить/удалить: от"), max_length=16, choices=Anchor)
    change_days = models.SmallIntegerField(_("изменить/удалить: дней"))
    priority = models.SmallIntegerField(
        _("приоритет"), default=0, help_text=_("Из подходящих правил действует правило с наибольшим приоритетом.")
    )
    regulation_ref = models.CharField(_("пункт положения"), max_length=40, default="п. 3.3")

    class Meta:
        db_table = "audit_editwindow"
        verbose_name = _("срок редактирования")
        verbose_name_plural = _("сроки редактирования (п. 3.3)")
        ordering = ["entry", "-priority"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_grade__gte=1, max_grade__lte=11, min_grade__lte=models.F("max_grade")),
                name="audit_editwindow_grades",
            ),
            models.CheckConstraint(
                condition=Q(create_days__gte=0, change_days__gte=0), name="audit_editwindow_days_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HistoryEntry(models.Model):
    """One write to the journal: who, when, what, old → new, from where.

    Append-only: triggers (``journal.dbtriggers``) refuse UPDATE and DELETE in the database. ``hash`` chains each
    entry to the previous one; ``manage.py verify_journal`` recomputes the chain.
    """

    class Kind(models.TextChoices):
        MARK = "mark", _("отметка")
        ATTENDANCE = "attendance", _("посещаемость")
        TOPIC = "topic", _("тема урока")
        HOMEWORK = "homework", _("домашнее задание")
        PERIOD_MARK = "period_mark", _("отметка за период")
        LESSON = "lesson", _("урок")
        # The rules that decide whether an entry may be written (DESIGN.md: «the rules are guarded like the marks»).
        RULE = "rule", _("срок редактирования")
        WORK_TYPE = "work_type", _("вид работы")
        YEAR = "year", _("учебный год")
        PERIOD = "period", _("учебный период")
        HOLIDAY = "holiday", _("каникулы / праздник")
        TRANSFER = "transfer", _("перенос рабочего дня")
        # Who may do what: roles, diary access, the sysadmin's absence, a late-change request's decision.
        ROLE = "role", _("роли пользователя")
        GUARDIANSHIP = "guardianship", _("законное представительство")
        ABSENCE = "absence", _("отсутствие сотрудника")
        REQUEST = "request", _("заявление (раздел 4)")

    class Action(models.TextChoices):
        CREATE = "create", _("создание")
        UPDATE = "update", _("изменение")
        DELETE = "delete", _("удаление")
        REFUSED = "refused", _("отклонено")

    class Source(models.TextChoices):
        GRID = "grid", _("журнал")
        ADMIN = "admin", _("админка")
        IMPORT = "import", _("импорт")
        COMMAND = "command", _("команда")
        LATE_CHANGE = "late_change", _("изменение по заявлению")
        SEED = "seed", _("демо-данные")
        BASELINE = "baseline", _("исходное состояние")

    at = models.DateTimeField(_("когда"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("кто")
    )
    source = models.CharField(_("откуда"), max_length=12, choices=Source)
    reference = models.CharField(_("основание"), max_length=64, blank=True, help_text=_("номер заявления"))
    kind = models.CharField(_("запись"), max_length=12, choices=Kind)
    action = models.CharField(_("действие"), max_length=8, choices=Action)
    object_id = models.BigIntegerField(_("id записи"), null=True)
    lesson_id = models.BigIntegerField(null=True)
    student_id = models.BigIntegerField(null=True)
    old = models.JSONField(_("было"), null=True)
    new = models.JSONField(_("стало"), null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_historyentry"
        verbose_name = _("запись истории")
        verbose_name_plural = _("история журнала")
        ordering = ["id"]
        indexes = [
            # verify_journal and a cell's history: the last entry of one object.
            models.Index(fields=["kind", "object_id", "id"], name="audit_history_object"),
            # a lesson's history in the grid's details.
            models.Index(fields=["lesson_id", "student_id"], name="audit_history_lesson_student"),
            # the diary's «изм. по заявл. № N» notes: a student's late changes, period marks (no lesson) included
            # (journal.history_selectors.late_changes_of_student).
            models.Index(fields=["student_id"], condition=Q(source="late_change"), name="audit_history_late_change"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()} {self.get_action_display()}"

    def payload(self) -> str:
        """The canonical text the hash covers: every field but ``id`` and ``hash``."""
        data = {
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "user": self.user_id,
            "source": self.source,
            "reference": self.reference,
            "kind": self.kind,
            "action": self.action,
            "object_id": self.object_id,
            "lesson_id": self.lesson_id,
            "student_id": self.student_id,
            "old": self.old,
            "new": self.new,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(f"{self.prev_hash}|{self.payload()}".encode()).hexdigest()


class HistoryHead(models.Model):
    """The end of the chain: its last hash and how many entries it holds; one row, locked by each writer so the
    chain stays linear. Printed on the summary sheets and the register, so a database restored from an older
    backup cannot pass for the current one (``verify_journal --head``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    entries = models.PositiveBigIntegerField(_("записей"), default=0)

    class Meta:
        db_table = "audit_historyhead"
        verbose_name = _("конец цепочки истории")
        verbose_name_plural = _("конец цепочки истории")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_historyhead_singleton")]

    def __str__(self) -> str:
        return self.last_hash


class WindowRevision(models.Model):
    """The edit-window rules as they were until a change: a rule change governs only the entries still open at
    that moment (п. 3.3; reopening a closed entry is a matter for раздел 4).

    Written by the services that change the edit windows or a work type's category, in the same transaction,
    before the change. ``journal.windows`` keeps every entry closed whose window under these rules had closed
    before ``at``, whatever the rules say now. Append-only (a database trigger refuses UPDATE and DELETE).
    """

    at = models.DateTimeField(_("правила изменены"))
    rules = models.JSONField(_("правила до изменения"))
    categories = models.JSONField(_("категории видов работ до изменения"))

    class Meta:
        verbose_name = _("прежняя редакция сроков")
        verbose_name_plural = _("прежние редакции сроков")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M}"


class PageVersion(models.Model):
    """One change of what cached pages show (``journal.pagecache``): the page cache's versions live here.

    A scope is ``class:<id>``, ``school:<id>``, ``all`` or ``reference``; its version is its highest id.
    Rows are only inserted, in the transaction of the write they stand for (no row is ever updated, so
    writers never wait for each other here), and the versions become visible to every process exactly when
    the write commits — whether or not that process can reach Redis. ``prune`` removes the superseded rows.
    """

    scope = models.CharField(_("область"), max_length=40)

    class Meta:
        verbose_name = _("версия страниц")
        verbose_name_plural = _("версии страниц")
        indexes = [
            # pagecache.versions: MAX(id) of one scope, an index-only backward scan of one row.
            models.Index(fields=["scope", "id"], name="journal_pageversion_scope_id"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.pk}"
