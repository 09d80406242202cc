"""Late changes (раздел 4 положения): the request, its entries, the change table and the summary-sheet jobs.

The life of a request: a teacher or the deputy files it (п. 4.1) → it is registered with a number sequential
within the academic year and a date (п. 4.2) → the director approves or rejects it → the sysadmin (or, in
their absence, the class teacher) applies exactly the approved entries (п. 4.4) → every applied entry lands
in the append-only change table (п. 4.3), printed with the class's summary sheet. Requests are filed under
the study period they concern (п. 4.5).

Separation of duties (DESIGN.md): the initiator, the director who approves and the one who applies are three
different people; the class teacher applies only on a day the sysadmin's absence is recorded
(``SysadminAbsence``); what is applied is exactly what was approved — ``approved_digest`` fingerprints the
entries at approval, and database triggers (``dbtriggers``) freeze them from then on.
"""

import datetime

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SCAN_EXTENSIONS",
    "ChangeTableRow",
    "LateChangeItem",
    "LateChangeRequest",
    "RequestCounter",
    "SummarySheetBatch",
    "SysadminAbsence",
]

#: The scan of the supporting document: a PDF or a photo.
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class Reason(models.TextChoices):
    """The three grounds of раздел 4 for a change after the edit window."""

    STUDENT_ABSENCE = (
        "student_absence",
        _("Пропуск учащимся урока (занятия) по болезни или иным уважительным причинам, подтверждённым документально"),
    )
    TRANSFER = "transfer", _("Перевод (передача) по уважительным причинам, подтверждённым документально")
    TEACHER_ABSENCE = (
        "teacher_absence",
        _("Отсутствие учителя на работе по болезни или иным уважительным причинам, подтверждённым документально"),
    )


#: The reasons as a table column prints them.
REASON_SHORT = {
    Reason.STUDENT_ABSENCE: _("пропуск урока учащимся по уважительной причине"),
    Reason.TRANSFER: _("перевод по уважительной причине"),
    Reason.TEACHER_ABSENCE: _("отсутствие учителя по уважительной причине"),
}


class EntryKind(models.TextChoices):
    MARK = "mark", _("текущая отметка")
    ATTENDANCE = "attendance", _("посещаемость")
    PERIOD_MARK = "period_mark", _("отметка за период")


class EntryAction(models.TextChoices):
    ADD = "add", _("внести")
    CHANGE = "change", _("изменить")
    DELETE = "delete", _("удалить")


class RequestCounter(models.Model):
    """The last registration number of an academic year; locked (``select_for_update``) to hand out the next."""

    year = models.OneToOneField("journal.AcademicYear", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("счётчик регистрации заявлений")
        verbose_name_plural = _("счётчики регистрации заявлений")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LateChangeRequestQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("school_class", "period__year", "initiator", "decided_by", "applied_by")

    def approved(self):
        return self.filter(status=LateChangeRequest.Status.APPROVED)


class LateChangeRequest(models.Model):
    """Заявление на внесение изменений в электронный журнал после срока (раздел 4)."""

    Reason = Reason

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("на рассмотрении у директора")
        APPROVED = "approved", _("разрешено директором")
        REJECTED = "rejected", _("отклонено директором")
        APPLIED = "applied", _("изменения внесены")

    # п. 4.2: the registration.
    year = models.ForeignKey(
        "journal.AcademicYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    sequence = models.PositiveIntegerField(_("порядковый номер"))
    number = models.CharField(_("регистрационный номер"), max_length=32, unique=True)
    registered_on = models.DateField(_("дата регистрации"))
    registered_at = models.DateTimeField(_("зарегистрировано"))
    # п. 4.5: filed under the study period it concerns.
    period = models.ForeignKey(
        "journal.StudyPeriod", on_delete=models.PROTECT, related_name="late_change_requests", verbose_name=_("период")
    )
    school_class = models.ForeignKey(
        "journal.SchoolClass", on_delete=models.PROTECT, related_name="late_change_requests", verbose_name=_("класс")
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("инициатор")
    )
    reason = models.CharField(_("основание"), max_length=20, choices=Reason)
    document_kind = models.CharField(_("документ"), max_length=120, help_text=_("Например: справка, приказ."))
    document_number = models.CharField(_("номер документа"), max_length=64)
    document_date = models.DateField(_("дата документа"))
    document_issuer = models.CharField(_("кем выдан"), max_length=255)
    scan = models.FileField(
        _("скан документа"),
        upload_to="late_changes/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS)],
    )
    comment = models.TextField(_("пояснение"), blank=True)
    status = models.CharField(_("состояние"), max_length=10, choices=Status, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("решение принял"),
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decision_comment = models.TextField(_("резолюция"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("изменения внёс"),
    )
    applied_at = models.DateTimeField(_("изменения внесены"), null=True, blank=True)
    #: What the director approved, fingerprinted at approval (``services.digest``); applying recomputes it from
    #: the rows and refuses a request whose entries differ. A trigger keeps it from changing afterwards.
    approved_digest = models.CharField(_("отпечаток разрешённых изменений"), max_length=64, blank=True)

    objects = LateChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("заявление на изменение журнала")
        verbose_name_plural = _("заявления на изменение журнала (раздел 4)")
        ordering = ["-registered_at", "-id"]
        permissions = [("apply_latechangerequest", _("Внесение в журнал изменений по утверждённому заявлению"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="audit_latechange_number_in_year"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_latechange_sequence_positive"),
            models.CheckConstraint(
                condition=Q(reason__in=["student_absence", "transfer", "teacher_absence"]),
                name="audit_latechange_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved", "rejected", "applied"]),
                name="audit_latechange_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="audit_latechange_decided_has_director",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_by__isnull=False, applied_at__isnull=False),
                name="audit_latechange_applied_has_applier",
            ),
            # п. 4: the one who approves is not the one who changes the journal.
            models.CheckConstraint(
                condition=Q(applied_by__isnull=True) | ~Q(applied_by=F("decided_by")),
                name="audit_latechange_applier_not_approver",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "rejected"]) | ~Q(approved_digest=""),
                name="audit_latechange_approved_has_digest",
            ),
        ]
        indexes = [
            # the register (п. 4.5) and the lists: requests of a period, newest first.
            models.Index(fields=["period", "registered_at"], name="audit_latechange_period"),
            # the director's and the admin's lists: requests by state.
            models.Index(fields=["status", "registered_at"], name="audit_latechange_status"),
        ]

    def __str__(self) -> str:
        return f"№ {self.number} от {self.registered_on:%d.%m.%Y}"

    @property
    def reason_short(self) -> str:
        return str(REASON_SHORT.get(self.reason, self.reason))

    @property
    def can_be_decided(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def can_be_applied(self) -> bool:
        return self.status == self.Status.APPROVED


class LateChangeItem(models.Model):
    """One entry of a request: what to add, change or delete, with the value it held when the request was filed."""

    Kind = EntryKind
    Action = EntryAction

    request = models.ForeignKey(LateChangeRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("№"))
    kind = models.CharField(_("запись"), max_length=12, choices=EntryKind)
    action = models.CharField(_("действие"), max_length=8, choices=EntryAction)
    student = models.ForeignKey("journal.Student", on_delete=models.PROTECT, related_name="+", verbose_name=_("ученик"))
    subject = models.ForeignKey(
        "journal.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("предмет")
    )
    lesson = models.ForeignKey(
        "journal.Lesson", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("урок")
    )
    period = models.ForeignKey(
        "journal.StudyPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("период отметки"),
    )
    #: The mark, attendance row or period mark to change or delete.
    target_id = models.BigIntegerField(_("id записи"), null=True, blank=True)
    #: Its state when the request was filed (``journal.states``); applying checks it still holds it.
    old = models.JSONField(_("было (состояние)"), null=True, blank=True)
    old_display = models.CharField(_("было"), max_length=120, blank=True)
    new_value = models.CharField(
        _("новое значение"), max_length=8, blank=True, help_text=_("Отметка, код посещаемости или отметка за период.")
    )
    work_type = models.ForeignKey(
        "journal.WorkType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("вид работы"),
    )
    comment = models.CharField(_("за что"), max_length=255, blank=True)
    new_display = models.CharField(_("стало"), max_length=120, blank=True)
    label = models.CharField(_("запись журнала"), max_length=160)

    class Meta:
        verbose_name = _("изменение по заявлению")
        verbose_name_plural = _("изменения по заявлению")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="audit_latechangeitem_position_unique"),
            models.CheckConstraint(
                condition=Q(kind="period_mark", period__isnull=False) | Q(~Q(kind="period_mark"), lesson__isnull=False),
                name="audit_latechangeitem_refs",
            ),
            models.CheckConstraint(
                condition=Q(action="add") | Q(target_id__isnull=False), name="audit_latechangeitem_target"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["mark", "attendance", "period_mark"], action__in=["add", "change", "delete"]),
                name="audit_latechangeitem_kind_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.old_display or '—'} → {self.new_display or '—'}"


class ChangeTableRowQuerySet(models.QuerySet):
    def for_table(self):
        return self.select_related(
            "school_class", "subject", "student__user", "approved_by", "applied_by", "period__year"
        ).order_by("applied_at", "id")


class ChangeTableRow(models.Model):
    """Таблица учёта изменений (п. 4.3): one applied entry. Append-only — a trigger refuses UPDATE and DELETE.

    The row is a record on paper: it copies the texts (old → new, request number and date, reason) so it
    reads the same whatever happens to the journal later.
    """

    item = models.OneToOneField(
        LateChangeItem, on_delete=models.PROTECT, related_name="applied_row", verbose_name=_("изменение")
    )
    request = models.ForeignKey(
        LateChangeRequest, on_delete=models.PROTECT, related_name="change_rows", verbose_name=_("заявление")
    )
    applied_at = models.DateTimeField(_("дата внесения"))
    school_class = models.ForeignKey(
        "journal.SchoolClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("класс")
    )
    period = models.ForeignKey(
        "journal.StudyPeriod", on_delete=models.PROTECT, related_name="+", verbose_name=_("период")
    )
    subject = models.ForeignKey(
        "journal.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("предмет")
    )
    student = models.ForeignKey("journal.Student", on_delete=models.PROTECT, related_name="+", verbose_name=_("ученик"))
    lesson = models.ForeignKey(
        "journal.Lesson", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("урок")
    )
    kind = models.CharField(_("запись"), max_length=12, choices=EntryKind)
    action = models.CharField(_("действие"), max_length=8, choices=EntryAction)
    #: The mark, attendance row or period mark as it is after the change (for a deletion: the deleted one).
    object_id = models.BigIntegerField(_("id записи"), null=True, blank=True)
    entry = models.CharField(_("запись журнала"), max_length=160)
    old_display = models.CharField(_("было"), max_length=120, blank=True)
    new_display = models.CharField(_("стало"), max_length=120, blank=True)
    request_number = models.CharField(_("номер заявления"), max_length=32)
    request_date = models.DateField(_("дата заявления"))
    reason = models.CharField(_("основание"), max_length=20, choices=Reason)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("разрешил")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("внёс")
    )

    objects = ChangeTableRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("строка таблицы учёта изменений")
        verbose_name_plural = _("таблица учёта изменений (п. 4.3)")
        ordering = ["applied_at", "id"]
        indexes = [
            # the change table and the summary sheet: one class in one period.
            models.Index(fields=["school_class", "period", "applied_at"], name="audit_changerow_class_period"),
        ]

    def __str__(self) -> str:
        return f"{self.request_number}: {self.entry} {self.old_display or '—'} → {self.new_display or '—'}"

    @property
    def reason_short(self) -> str:
        return str(REASON_SHORT.get(self.reason, self.reason))


class SummarySheetBatch(models.Model):
    """The whole school's summary sheets for a period, built by a Celery task; the deputy watches its progress.

    One row per (period, set of classes): building again replaces the same file (idempotent).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("формируется")
        DONE = "done", _("готово")
        FAILED = "failed", _("ошибка")

    period = models.ForeignKey("journal.StudyPeriod", on_delete=models.CASCADE, related_name="+")
    classes_key = models.CharField(max_length=64, help_text=_("Отпечаток набора классов."))
    class_ids = models.JSONField(default=list)
    status = models.CharField(_("состояние"), max_length=8, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("классов"), default=0)
    done = models.PositiveIntegerField(_("готово"), default=0)
    file = models.FileField(_("архив"), upload_to="late_changes/sheets/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("запрошено"))
    finished_at = models.DateTimeField(_("готово"), null=True, blank=True)

    class Meta:
        verbose_name = _("сводные ведомости школы")
        verbose_name_plural = _("сводные ведомости школы")
        constraints = [
            models.UniqueConstraint(fields=["period", "classes_key"], name="audit_sheetbatch_unique"),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="audit_sheetbatch_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class SysadminAbsenceQuerySet(models.QuerySet):
    def covering(self, day):
        """The absences in force on ``day``: begun, not over, and not ended early before it."""
        return self.filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day), starts_on__lte=day, ends_on__gte=day)


class SysadminAbsence(models.Model):
    """The sysadmin's absence, recorded by the director or the deputy (п. 4.4: «в случае его отсутствия
    изменения может внести классный руководитель»).

    Whole days, ``starts_on`` to ``ends_on`` inclusive; ``returned_on`` ends it early (the sysadmin is back at
    work that day). Written only by ``services.absences`` with a chained history entry; read-only in the admin.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("системный администратор"),
    )
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по (включительно)"))
    basis = models.CharField(
        _("основание"), max_length=255, help_text=_("Например: приказ № 45-к от 01.12.2026 (отпуск), больничный.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("записал")
    )
    recorded_at = models.DateTimeField(_("записано"))
    returned_on = models.DateField(_("вышел на работу досрочно"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("завершил досрочно"),
    )
    ended_at = models.DateTimeField(_("завершено"), null=True, blank=True)

    objects = SysadminAbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("отсутствие системного администратора")
        verbose_name_plural = _("отсутствие системного администратора (п. 4.4)")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="audit_sysadminabsence_dates"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | Q(returned_on__gte=F("starts_on"), returned_on__lte=F("ends_on"), ended_by__isnull=False),
                name="audit_sysadminabsence_return",
            ),
            models.CheckConstraint(condition=~Q(recorded_by=F("user")), name="audit_sysadminabsence_not_own"),
        ]
        indexes = [
            # «is the sysadmin absent today»: the absences covering one day (selectors.sysadmin_presence).
            models.Index(fields=["starts_on", "ends_on"], name="audit_sysadminabsence_days"),
        ]

    def __str__(self) -> str:
        text = f"{self.user.short_name}: {self.starts_on:%d.%m.%Y}–{self.last_day:%d.%m.%Y}"
        return f"{text} ({_('отменено')})" if self.cancelled else text

    @property
    def cancelled(self) -> bool:
        """Ended before it began: it covers no day."""
        return self.returned_on is not None and self.returned_on <= self.starts_on

    @property
    def last_day(self) -> datetime.date:
        """The last day the absence covers (the day before the return, if it ended early)."""
        if self.returned_on is not None and not self.cancelled:
            return self.returned_on - datetime.timedelta(days=1)
        return self.ends_on

    def status_on(self, day: datetime.date) -> str:
        if self.cancelled:
            return str(_("отменено"))
        if day < self.starts_on:
            return str(_("предстоит"))
        if day <= self.last_day:
            return str(_("идёт"))
        return str(_("завершено досрочно")) if self.returned_on else str(_("завершено"))

    def may_end_on(self, day: datetime.date) -> bool:
        """Whether it can still be ended early on ``day`` (the same condition the service checks)."""
        return self.returned_on is None and day <= self.ends_on
