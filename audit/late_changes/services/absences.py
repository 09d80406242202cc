"""The sysadmin's absence (п. 4.4: «в случае его отсутствия изменения может внести классный руководитель»).

The director or the deputy records it — who is away, from which day to which, on what basis — and ends it
early when the sysadmin is back. Each write leaves a chained history entry (kind «отсутствие сотрудника»,
old → new), so a class teacher's right to apply on a given day can always be traced to who granted it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import services as journal
from journal.models import HistoryEntry, User
from journal.roles import is_deputy, is_director

from .. import selectors
from ..models import SysadminAbsence


def absence_state(absence: SysadminAbsence) -> dict:
    """An absence as the history records it."""
    return {
        "user": absence.user_id,
        "starts_on": absence.starts_on.isoformat(),
        "ends_on": absence.ends_on.isoformat(),
        "returned_on": absence.returned_on.isoformat() if absence.returned_on else None,
        "basis": absence.basis,
    }


def may_record_absences(user: User) -> bool:
    """The director or the deputy (who runs the e-journal) records the sysadmin's absence."""
    return is_director(user) or is_deputy(user)


def _refuse_unless_recorder(by: User) -> None:
    if not may_record_absences(by):
        raise PermissionDenied(_("Отсутствие системного администратора записывает директор или заместитель директора."))


def _origin(by: User, at: datetime.datetime) -> journal.Origin:
    return journal.Origin(by=by, source=HistoryEntry.Source.GRID, at=at)


def _log(write, absence: SysadminAbsence, action: str, old: dict | None) -> None:
    write.add(kind=HistoryEntry.Kind.ABSENCE, action=action, object_id=absence.pk, old=old, new=absence_state(absence))


def sysadmin_absence_create(
    *,
    by: User,
    user: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    basis: str,
    at: datetime.datetime | None = None,
) -> SysadminAbsence:
    """п. 4.4: record that ``user`` (a holder of the sysadmin's role) is away from ``starts_on`` to ``ends_on``.

    Only the director or the deputy, never about themselves; whole days; not overlapping another absence of
    the same person.
    """
    _refuse_unless_recorder(by)
    basis = (basis or "").strip()
    if not selectors.sysadmins().filter(pk=user.pk).exists():
        raise ValidationError(_("%(name)s — не системный администратор.") % {"name": user.short_name})
    if user.pk == by.pk:
        raise ValidationError(_("Собственное отсутствие записывает другой сотрудник."))
    if not basis:
        raise ValidationError(_("Укажите основание: приказ, больничный лист, служебная записка."))
    if starts_on > ends_on:
        raise ValidationError(_("Дата окончания раньше даты начала."))
    now = at or timezone.now()
    # Inside the journal's write: the history's head is locked, so two recorders cannot both miss the other's.
    with journal.journal_write(_origin(by, now)) as write:
        overlapping = (
            SysadminAbsence.objects.filter(user=user, starts_on__lte=ends_on, ends_on__gte=starts_on)
            # an absence ended early covers the days before its return only (and none if cancelled before it began)
            .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=starts_on) & Q(returned_on__gt=F("starts_on")))
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                _("Отсутствие %(name)s на эти дни уже записано: %(absence)s.")
                % {"name": user.short_name, "absence": overlapping}
            )
        absence = SysadminAbsence.objects.create(
            user=user, starts_on=starts_on, ends_on=ends_on, basis=basis, recorded_by=by, recorded_at=now
        )
        _log(write, absence, HistoryEntry.Action.CREATE, None)
    return absence


def sysadmin_absence_end(*, by: User, absence_id: int, at: datetime.datetime | None = None) -> SysadminAbsence:
    """The sysadmin is back: the absence covers no day from today on (one not yet begun is cancelled)."""
    _refuse_unless_recorder(by)
    now = at or timezone.now()
    today = timezone.localdate(now)
    with journal.journal_write(_origin(by, now)) as write:
        absence = SysadminAbsence.objects.select_for_update().select_related("user").get(pk=absence_id)
        if not absence.may_end_on(today):
            raise ValidationError(_("Это отсутствие уже закончилось: %(absence)s.") % {"absence": absence})
        old = absence_state(absence)
        absence.returned_on = max(today, absence.starts_on)
        absence.ended_by = by
        absence.ended_at = now
        absence.save(update_fields=["returned_on", "ended_by", "ended_at"])
        _log(write, absence, HistoryEntry.Action.UPDATE, old)
    return absence
