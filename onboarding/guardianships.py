"""Diary access of parents and students: the parents' applications, and the permission that opens a diary.

- A parent reads the diary only on their application (п. 1.12, заявительный порядок): the application is
  registered (number, date), then approved or rejected; approving grants the diary.
- Access to a diary is a django-guardian object permission ``journal.view_diary`` on the student
  (``journal.StudentUserObjectPermission``, a direct foreign key: a deleted student takes its grants with it).
  It exists exactly while the parent's guardianship is active; these services are the only code that grants
  or revokes it. The diary only reads it (``diary.selectors``).
- A guardianship's parent and child are fixed once the application is registered (a database trigger refuses
  to change them): ending it revokes exactly what approving it granted. Every change of a guardianship is a
  chained history entry (kind «законное представительство»), and the roles it gives go through
  ``journal.services.roles``; ``verify_journal`` checks that a parent reads exactly the children of their
  active guardianships.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from journal.models import Guardianship, HistoryEntry, Role, Student, User
from journal.services import Origin, journal_write
from journal.services.roles import roles_grant
from journal.states import guardianship_state

VIEW_DIARY = "journal.view_diary"
Kind, Action = HistoryEntry.Kind, HistoryEntry.Action


def _origin(by: User | None, source: str = HistoryEntry.Source.GRID) -> Origin:
    return Origin(by=by, source=source)


def _lock(guardianship: Guardianship) -> Guardianship:
    return Guardianship.objects.select_for_update().select_related("parent", "student").get(pk=guardianship.pk)


def _save(write, guardianship: Guardianship, old: dict | None, fields: list[str] | None = None) -> None:
    if fields is None:
        guardianship.save()
    else:
        guardianship.save(update_fields=fields)
    write.log(
        Kind.GUARDIANSHIP,
        Action.CREATE if old is None else Action.UPDATE,
        guardianship,
        old=old,
        new=guardianship_state(guardianship),
    )


def guardianship_approve(
    *, guardianship: Guardianship, by: User, source: str = HistoryEntry.Source.GRID
) -> Guardianship:
    """Grant a parent the diary of their child on their application.

    п. 1.12: the diary is given in the заявительный порядок — on the parent's application, approved here.
    п. 1.13: the access is limited to the student the parent is the legal representative of, so the
    permission is granted on that one student only. п. 1.9: the student must study at the school.
    Approving an active guardianship again changes nothing.
    """
    with journal_write(_origin(by, source)) as write:
        locked = _lock(guardianship)
        if locked.status in (Guardianship.Status.REJECTED, Guardianship.Status.ENDED):
            raise ValidationError(
                _("Заявление в состоянии «%(status)s»: доступ предоставляется по новому заявлению.")
                % {"status": locked.get_status_display()}
            )
        if not locked.student.is_active:
            raise ValidationError(_("Ученик не обучается в школе: доступ к дневнику не предоставляется."))
        if locked.status != Guardianship.Status.ACTIVE:
            old = guardianship_state(locked)
            locked.status = Guardianship.Status.ACTIVE
            locked.decided_at = timezone.now()
            _save(write, locked, old, ["status", "decided_at"])
        assign_perm(VIEW_DIARY, locked.parent, locked.student)
        roles_grant(origin=_origin(by, source), user=locked.parent, roles=[Role.PARENT])
    guardianship.status, guardianship.decided_at = locked.status, locked.decided_at
    return guardianship


def guardianship_end(
    *, guardianship: Guardianship, by: User, reason: str, source: str = HistoryEntry.Source.GRID
) -> Guardianship:
    """End a guardianship and close the diary at once.

    п. 1.13: the diary is open only to the student's legal representative, so when a guardianship ends
    the permission is revoked in the same transaction — unless another active guardianship of the same
    parent for that student still grants it.
    """
    if not (reason or "").strip():
        raise ValidationError(_("Укажите основание прекращения доступа."))
    with journal_write(_origin(by, source)) as write:
        locked = _lock(guardianship)
        if locked.status != Guardianship.Status.ACTIVE:
            raise ValidationError(
                _("Прекратить можно только действующий доступ; сейчас: «%(status)s».")
                % {"status": locked.get_status_display()}
            )
        old = guardianship_state(locked)
        locked.status = Guardianship.Status.ENDED
        locked.ended_at = timezone.now()
        locked.end_reason = reason.strip()[:255]
        _save(write, locked, old, ["status", "ended_at", "end_reason"])
        still_active = (
            Guardianship.objects.active()
            .filter(parent_id=locked.parent_id, student_id=locked.student_id)
            .exclude(pk=locked.pk)
            .exists()
        )
        if not still_active:
            remove_perm(VIEW_DIARY, locked.parent, locked.student)
    guardianship.status, guardianship.ended_at, guardianship.end_reason = (
        locked.status,
        locked.ended_at,
        locked.end_reason,
    )
    return guardianship


def student_access_grant(*, student: Student, by: User | None = None, source: str = HistoryEntry.Source.GRID) -> None:
    """Open a student's own diary to the student.

    раздел 5: the diary is «электронный дневник обучающегося»; п. 1.13: the student reads their own
    information and nobody else's, so the permission is on their own card only. Running it twice
    changes nothing.
    """
    with journal_write(_origin(by, source)):
        assign_perm(VIEW_DIARY, student.user, student)
        roles_grant(origin=_origin(by, source), user=student.user, roles=[Role.STUDENT])


# --- Applications -----------------------------------------------------------------------------------------


def application_record(
    *,
    parent: User,
    student: Student,
    number: str,
    date: datetime.date,
    kind: str = Guardianship.Kind.MOTHER,
    by: User | None = None,
    source: str = HistoryEntry.Source.GRID,
) -> Guardianship:
    """Register a parent's application for the diary (п. 1.12): a guardianship «заявление подано».

    From here on the guardianship's parent and child are fixed (a new pair is a new application).
    """
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Укажите номер заявления."))
    if date > timezone.localdate():
        raise ValidationError(_("Дата заявления не может быть в будущем."))
    with journal_write(_origin(by, source)) as write:
        current = (
            Guardianship.objects.select_for_update()
            .filter(
                parent=parent, student=student, status__in=[Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE]
            )
            .first()
        )
        if current is not None and current.status == Guardianship.Status.ACTIVE:
            raise ValidationError(_("Доступ к дневнику этого ученика у родителя уже есть."))
        old = guardianship_state(current) if current is not None else None
        if current is None:
            current = Guardianship(parent=parent, student=student, status=Guardianship.Status.APPLIED)
        current.kind = kind
        current.application_number = number[:32]
        current.application_date = date
        _save(write, current, old)
        roles_grant(origin=_origin(by, source), user=parent, roles=[Role.PARENT])
    return current


def application_update(
    *,
    guardianship: Guardianship,
    kind: str,
    number: str,
    date: datetime.date,
    by: User | None,
    source: str = HistoryEntry.Source.GRID,
) -> Guardianship:
    """Correct a registered application's kind of representative, number or date; its parent, child and status
    stay (a different pair is a new application; the status changes only by approving, rejecting or ending)."""
    number = (number or "").strip()
    if not number or date is None:
        raise ValidationError(_("Укажите номер и дату заявления родителя (п. 1.12)."))
    if date > timezone.localdate():
        raise ValidationError(_("Дата заявления не может быть в будущем."))
    with journal_write(_origin(by, source)) as write:
        locked = _lock(guardianship)
        old = guardianship_state(locked)
        locked.kind, locked.application_number, locked.application_date = kind, number[:32], date
        if guardianship_state(locked) != old:
            _save(write, locked, old, ["kind", "application_number", "application_date"])
    return locked


def application_approve(*, guardianship: Guardianship, by: User) -> Guardianship:
    """Grant the diary on a registered application (number and date are required: п. 1.12)."""
    if not guardianship.application_number or not guardianship.application_date:
        raise ValidationError(_("Сначала зарегистрируйте заявление родителя (номер и дата)."))
    return guardianship_approve(guardianship=guardianship, by=by)


def application_reject(*, guardianship: Guardianship, by: User, reason: str) -> Guardianship:
    if not (reason or "").strip():
        raise ValidationError(_("Укажите причину отказа."))
    with journal_write(_origin(by)) as write:
        locked = _lock(guardianship)
        if locked.status != Guardianship.Status.APPLIED:
            raise ValidationError(_("Отклонить можно только поданное заявление."))
        old = guardianship_state(locked)
        locked.status = Guardianship.Status.REJECTED
        locked.decided_at = timezone.now()
        locked.end_reason = reason.strip()[:255]
        _save(write, locked, old, ["status", "decided_at", "end_reason"])
    guardianship.status, guardianship.decided_at, guardianship.end_reason = (
        locked.status,
        locked.decided_at,
        locked.end_reason,
    )
    return guardianship
