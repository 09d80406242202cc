"""Writes of the diary: who may read a student's diary, and the record of each diary view.

Access to a diary is a django-guardian object permission ``journal.view_diary`` on the student
(``journal.StudentUserObjectPermission``, a direct foreign key: a deleted student takes its grants with it).
It exists exactly while the parent's guardianship is active; these services are the only code that grants
or revokes it.
"""

import logging

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from journal.models import Guardianship, Role, Student, User

from .models import DiaryVisit

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


def diary_visit_record(*, user: User, student: Student, page: str) -> None:
    """One diary page view, for the visit statistics of п. 3.3 (parents weekly, students every two days).

    A single INSERT, deliberately outside ``transaction.atomic``: a savepoint would double its cost on
    every page view, and one row has nothing to keep consistent.
    """
    DiaryVisit.objects.create(user_id=user.pk, student_id=student.pk, at=timezone.now(), page=page)
