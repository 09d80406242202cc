"""Granting and revoking the diary (п. 1.12–1.13): the permission exists exactly while access is active."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from journal.models import Guardianship, Role, Student, StudentUserObjectPermission, User
from journal.tests import factories as f
from onboarding import guardianships

APPLIED = Guardianship.Status.APPLIED


def _reads(user: User, student: Student) -> bool:
    return User.objects.get(pk=user.pk).has_perm("journal.view_diary", student)


def _applied(student: Student, parent: User | None = None) -> Guardianship:
    return f.GuardianshipFactory(parent=parent or f.UserFactory(), student=student, status=APPLIED)


@pytest.fixture
def guardianship(parent, student) -> Guardianship:
    return Guardianship.objects.get(parent=parent, student=student)


def test_approve_grants_the_child_and_the_parent_role(frozen_now, sysadmin, student, other_student):
    guardianship = _applied(other_student)

    result = guardianships.guardianship_approve(guardianship=guardianship, by=sysadmin)

    guardianship.refresh_from_db()
    assert result == guardianship
    assert guardianship.status == Guardianship.Status.ACTIVE
    assert guardianship.decided_at == timezone.now()
    assert _reads(guardianship.parent, other_student) and not _reads(guardianship.parent, student)
    assert User.objects.get(pk=guardianship.parent.pk).has_role(Role.PARENT)


def test_approving_twice_changes_nothing(sysadmin, parent, guardianship):
    decided_at = guardianship.decided_at

    guardianships.guardianship_approve(guardianship=guardianship, by=sysadmin)

    guardianship.refresh_from_db()
    assert guardianship.decided_at == decided_at
    assert StudentUserObjectPermission.objects.filter(user=parent).count() == 1


def test_an_ended_or_rejected_application_is_not_approved(sysadmin, student):
    ended = f.GuardianshipFactory(student=student, status=Guardianship.Status.ENDED)
    rejected = f.GuardianshipFactory(student=student, status=Guardianship.Status.REJECTED)

    for refused in (ended, rejected):
        with pytest.raises(ValidationError):
            guardianships.guardianship_approve(guardianship=refused, by=sysadmin)
        assert not _reads(refused.parent, student)


def test_no_access_to_a_student_who_left(sysadmin, other_student):
    other_student.is_active = False
    other_student.save()
    guardianship = _applied(other_student)

    with pytest.raises(ValidationError):
        guardianships.guardianship_approve(guardianship=guardianship, by=sysadmin)
    guardianship.refresh_from_db()
    assert guardianship.status == APPLIED
    assert not _reads(guardianship.parent, other_student)


def test_ending_revokes_at_once(frozen_now, client_for, quarter, sysadmin, parent, student, guardianship):
    client = client_for(parent)
    week = reverse("diary:week", args=[student.pk])
    assert client.get(week).status_code == 200

    guardianships.guardianship_end(guardianship=guardianship, by=sysadmin, reason="  заявление родителя ")

    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.ENDED
    assert guardianship.ended_at == timezone.now()
    assert guardianship.end_reason == "заявление родителя"
    assert client.get(week).status_code == 404
    assert not _reads(parent, student)
    assert _reads(student.user, student)  # the student's own access is untouched


def test_ending_one_child_keeps_the_other(sysadmin, parent, student, class_5a):
    younger = f.StudentFactory(school_class=class_5a)
    second = _applied(younger, parent)
    guardianships.guardianship_approve(guardianship=second, by=sysadmin)

    guardianships.guardianship_end(guardianship=second, by=sysadmin, reason="смена представителя")

    assert _reads(parent, student) and not _reads(parent, younger)


def test_only_active_access_ends_and_only_with_a_reason(sysadmin, parent, student, guardianship):
    with pytest.raises(ValidationError):
        guardianships.guardianship_end(guardianship=_applied(student), by=sysadmin, reason="нет")
    with pytest.raises(ValidationError):
        guardianships.guardianship_end(guardianship=guardianship, by=sysadmin, reason=" ")
    assert _reads(parent, student)


def test_a_new_application_after_the_end_opens_the_diary_again(sysadmin, parent, student, guardianship):
    guardianships.guardianship_end(guardianship=guardianship, by=sysadmin, reason="решение суда")

    guardianships.guardianship_approve(guardianship=_applied(student, parent), by=sysadmin)

    assert _reads(parent, student)


def test_a_student_reads_only_themselves(student, other_student):
    guardianships.student_access_grant(student=student)  # twice: nothing changes

    assert _reads(student.user, student) and not _reads(student.user, other_student)
    assert StudentUserObjectPermission.objects.filter(user=student.user).count() == 1
    assert User.objects.get(pk=student.user.pk).has_role(Role.STUDENT)


def test_a_recreated_student_id_does_not_inherit_an_old_parents_access(client_for, sysadmin, class_5a):
    leaver = f.StudentFactory(school_class=class_5a)
    guardianship = _applied(leaver)
    guardianships.guardianship_approve(guardianship=guardianship, by=sysadmin)
    parent, old_id = guardianship.parent, leaver.pk
    assert _reads(parent, leaver)

    leaver.delete()
    newcomer = f.StudentFactory(pk=old_id, school_class=class_5a)

    assert newcomer.pk == old_id
    assert not _reads(parent, newcomer)
    assert not StudentUserObjectPermission.objects.filter(content_object_id=old_id, user=parent).exists()
    assert client_for(parent).get(reverse("diary:week", args=[old_id])).status_code == 404
