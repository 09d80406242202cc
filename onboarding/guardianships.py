"""Diary access of parents and students: the parents' applications, and the permission that opens a diary.

- A parent reads the diary only on their application (п. 1.12, заявительный порядок): the application is
  registered (number, date), then approved or rejected; approving grants the diary.
- Access to a diary is a django-guardian object permission ``journal.view_diary`` on the student
  (``journal.StudentUserObjectPermission``, a direct foreign key: a deleted student takes its grants with it).
  It exists exactly while the parent's guardianship is active; these services are the only code that grants
  or revokes it. The diary only reads it (``diary.selectors``).
"""

import datetime
import logging

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from journal.models import Guardianship, Role, Student, User

logger = logging.getLogger(__name__)

VIEW_DIARY = "journal.view_diary"


def _lock(guardianship: Guardianship) -> Guardianship:
    return Guardianship.objects.select_for_update().select_related("parent", "student").get(pk=guardianship.pk)


@transaction.atomic
def guardianship_approve(*, guardianship: Guardianship, by: User) -> Guardianship:
    """Grant a parent the diary of their child on their application.

    п. 1.12: the diary is given in the заявительный порядок — on the parent's application, approved here.
    п. 1.13: the access is limited to the student the parent is the legal representative of, so the
    permission is granted on that one student only. п. 1.9: the student must study at the school.
    Approving an active guardianship again changes nothing.
    """
    locked = _lock(guardianship)
    if locked.status in (Guardianship.Status.REJECTED, Guardianship.Status.ENDED):
        raise ValidationError(
            _("Заявление в состоянии «%(status)s»: доступ предоставляется по новому заявлению.")
            % {"status": locked.get_status_display()}
        )
    if not locked.student.is_active:
        raise ValidationError(_("Ученик не обучается в школе: доступ к дневнику не предоставляется."))
    if locked.status != Guardianship.Status.ACTIVE:
        guardianship.status = Guardianship.Status.ACTIVE
        guardianship.decided_at = timezone.now()
        guardianship.save(update_fields=["status", "decided_at"])
    assign_perm(VIEW_DIARY, locked.parent, locked.student)
    locked.parent.groups.add(Group.objects.get(name=Role.PARENT.value))
    logger.info("diary access granted: guardianship %s by user %s", locked.pk, by.pk)
    return guardianship


@transaction.atomic
def guardianship_end(*, guardianship: Guardianship, by: User, reason: str) -> Guardianship:
    """End a guardianship and close the diary at once.

    п. 1.13: the diary is open only to the student's legal representative, so when a guardianship ends
    the permission is revoked in the same transaction — unless another active guardianship of the same
    parent for that student still grants it.
    """
    locked = _lock(guardianship)
    if locked.status != Guardianship.Status.ACTIVE:
        raise ValidationError(
            _("Прекратить можно только действующий доступ; сейчас: «%(status)s».")
            % {"status": locked.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError(_("Укажите основание прекращения доступа."))
    guardianship.status = Guardianship.Status.ENDED
    guardianship.ended_at = timezone.now()
    guardianship.end_reason = reason.strip()
    guardianship.save(update_fields=["status", "ended_at", "end_reason"])
    still_active = (
        Guardianship.objects.active()
        .filter(parent_id=locked.parent_id, student_id=locked.student_id)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not still_active:
        remove_perm(VIEW_DIARY, locked.parent, locked.student)
    logger.info("diary access ended: guardianship %s by user %s", locked.pk, by.pk)
    return guardianship


@transaction.atomic
def student_access_grant(*, student: Student) -> None:
    """Open a student's own diary to the student.

    раздел 5: the diary is «электронный дневник обучающегося»; п. 1.13: the student reads their own
    information and nobody else's, so the permission is on their own card only. Running it twice
    changes nothing.
    """
    assign_perm(VIEW_DIARY, student.user, student)
    student.user.groups.add(Group.objects.get(name=Role.STUDENT.value))


# --- Applications -----------------------------------------------------------------------------------------


def application_record(
    *,
    parent: User,
    student: Student,
    number: str,
    date: datetime.date,
    kind: str = Guardianship.Kind.MOTHER,
) -> Guardianship:
    """Register a parent's application for the diary (п. 1.12): a guardianship «заявление подано»."""
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Укажите номер заявления."))
    if date > timezone.localdate():
        raise ValidationError(_("Дата заявления не может быть в будущем."))
    with transaction.atomic():
        current = (
            Guardianship.objects.select_for_update()
            .filter(
                parent=parent, student=student, status__in=[Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE]
            )
            .first()
        )
        if current is not None and current.status == Guardianship.Status.ACTIVE:
            raise ValidationError(_("Доступ к дневнику этого ученика у родителя уже есть."))
        if current is None:
            current = Guardianship(parent=parent, student=student, status=Guardianship.Status.APPLIED)
        current.kind = kind
        current.application_number = number[:32]
        current.application_date = date
        current.save()
        parent.groups.add(Group.objects.get_or_create(name=Role.PARENT.value)[0])
    return current


def application_approve(*, guardianship: Guardianship, by: User) -> Guardianship:
    """Grant the diary on a registered application (number and date are required: п. 1.12)."""
    if not guardianship.application_number or not guardianship.application_date:
        raise ValidationError(_("Сначала зарегистрируйте заявление родителя (номер и дата)."))
    return guardianship_approve(guardianship=guardianship, by=by)


def application_reject(*, guardianship: Guardianship, by: User, reason: str) -> Guardianship:
    if guardianship.status != Guardianship.Status.APPLIED:
        raise ValidationError(_("Отклонить можно только поданное заявление."))
    if not (reason or "").strip():
        raise ValidationError(_("Укажите причину отказа."))
    guardianship.status = Guardianship.Status.REJECTED
    guardianship.decided_at = timezone.now()
    guardianship.end_reason = reason.strip()[:255]
    guardianship.save(update_fields=["status", "decided_at", "end_reason"])
    return guardianship
