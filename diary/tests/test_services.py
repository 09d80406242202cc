"""Granting and revoking the diary (п. 1.12–1.13): the permission exists exactly while access is active."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from diary import services
from diary.selectors import students_readable_by
from journal.models import Guardianship, Role, Student, StudentUserObjectPermission

from .conftest import fresh_user, make_student, make_user


def _readable(user) -> list[Student]:
    return list(students_readable_by(user=user))


def test_approve_grants_the_child_and_the_parent_role(diary_school):
    w = diary_school
    parent = make_user("Новикова", "Вера")
    guardianship = Guardianship.objects.create(parent=parent, student=w.other_student, application_number="17")

    result = services.guardianship_approve(guardianship=guardianship, by=w.admin)

    guardianship.refresh_from_db()
    assert result == guardianship
    assert guardianship.status == Guardianship.Status.ACTIVE
    assert guardianship.decided_at == timezone.now()
    assert _readable(parent) == [w.other_student]
    assert fresh_user(parent).has_role(Role.PARENT)


def test_approving_twice_changes_nothing(diary_school):
    w = diary_school
    decided_at = w.guardianship.decided_at

    services.guardianship_approve(guardianship=w.guardianship, by=w.admin)

    w.guardianship.refresh_from_db()
    assert w.guardianship.decided_at == decided_at
    assert StudentUserObjectPermission.objects.filter(user=w.parent).count() == 1


def test_an_ended_or_rejected_application_is_not_approved(diary_school):
    w = diary_school
    ended = Guardianship.objects.get(parent=w.ended_parent)
    rejected = Guardianship.objects.create(
        parent=make_user("Новиков", "Ян"), student=w.student, status=Guardianship.Status.REJECTED
    )

    for guardianship in (ended, rejected):
        with pytest.raises(ValidationError):
            services.guardianship_approve(guardianship=guardianship, by=w.admin)
    assert _readable(w.ended_parent) == []
    assert _readable(rejected.parent) == []


def test_no_access_to_a_student_who_left(diary_school):
    w = diary_school
    w.other_student.is_active = False
    w.other_student.save()
    guardianship = Guardianship.objects.create(parent=make_user("Новикова", "Вера"), student=w.other_student)

    with pytest.raises(ValidationError):
        services.guardianship_approve(guardianship=guardianship, by=w.admin)
    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.APPLIED
    assert _readable(guardianship.parent) == []


def test_ending_revokes_at_once(diary_school, as_user):
    w = diary_school
    client = as_user(w.parent)
    week = reverse("diary:week", args=[w.student.pk])
    assert client.get(week).status_code == 200

    services.guardianship_end(guardianship=w.guardianship, by=w.admin, reason="  заявление родителя ")

    w.guardianship.refresh_from_db()
    assert w.guardianship.status == Guardianship.Status.ENDED
    assert w.guardianship.ended_at == timezone.now()
    assert w.guardianship.end_reason == "заявление родителя"
    assert client.get(week).status_code == 404
    assert _readable(w.parent) == []
    assert _readable(w.student.user) == [w.student]  # the student's own access is untouched


def test_ending_one_child_keeps_the_other(diary_school):
    w = diary_school
    younger = make_student(w.class_5a, "Кузнецова", "Анна")
    second = Guardianship.objects.create(parent=w.parent, student=younger)
    services.guardianship_approve(guardianship=second, by=w.admin)

    services.guardianship_end(guardianship=second, by=w.admin, reason="смена представителя")

    assert _readable(w.parent) == [w.student]


def test_only_active_access_ends_and_only_with_a_reason(diary_school):
    w = diary_school
    applied = Guardianship.objects.create(parent=make_user("Новикова", "Вера"), student=w.student)

    with pytest.raises(ValidationError):
        services.guardianship_end(guardianship=applied, by=w.admin, reason="нет")
    with pytest.raises(ValidationError):
        services.guardianship_end(guardianship=w.guardianship, by=w.admin, reason=" ")
    assert _readable(w.parent) == [w.student]


def test_a_new_application_after_the_end_opens_the_diary_again(diary_school):
    w = diary_school
    services.guardianship_end(guardianship=w.guardianship, by=w.admin, reason="решение суда")
    again = Guardianship.objects.create(parent=w.parent, student=w.student)

    services.guardianship_approve(guardianship=again, by=w.admin)

    assert _readable(w.parent) == [w.student]


def test_a_student_reads_only_themselves(diary_school):
    w = diary_school

    services.student_access_grant(student=w.student)  # twice: nothing changes

    assert _readable(w.student.user) == [w.student]
    assert StudentUserObjectPermission.objects.filter(user=w.student.user).count() == 1
    assert fresh_user(w.student.user).has_role(Role.STUDENT)


def test_a_recreated_student_id_does_not_inherit_an_old_parents_access(diary_school, as_user):
    w = diary_school
    leaver = make_student(w.class_5a, "Уходящий", "Олег")
    parent = make_user("Уходящая", "Ольга")
    services.guardianship_approve(guardianship=Guardianship.objects.create(parent=parent, student=leaver), by=w.admin)
    assert _readable(parent) == [leaver]
    old_id = leaver.pk

    leaver.delete()
    newcomer = Student.objects.create(
        pk=old_id, user=make_user("Новенький", "Иван", role=Role.STUDENT), school_class=w.class_5a
    )

    assert newcomer.pk == old_id
    assert _readable(parent) == []
    assert not StudentUserObjectPermission.objects.filter(content_object_id=old_id).exists()
    assert as_user(parent).get(reverse("diary:week", args=[old_id])).status_code == 404


def test_a_visit_is_one_row(diary_school, django_assert_num_queries):
    w = diary_school

    with django_assert_num_queries(1):
        services.diary_visit_record(user=w.parent, student=w.student, page="week")
