"""Guardianships (issue 14, point 4): parent and child are fixed once registered, ending revokes exactly what was
granted, and «a parent reads exactly the children of their active guardianships» after every action."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from journal.models import Guardianship, HistoryEntry
from journal.permissions import sync_role_permissions
from journal.tests import factories as f
from journal.verify import verify_diary_access, verify_journal
from onboarding import guardianships


@pytest.fixture
def staff(db):
    sync_role_permissions()


def _reads(parent, student) -> bool:
    return parent.has_perm("journal.view_diary", student)


def _invariant_holds() -> None:
    assert list(verify_diary_access()) == []


def _admin(view: str, *args) -> str:
    return reverse(f"admin:journal_guardianship_{view}", args=args)


def test_the_admin_cannot_move_a_guardianship_to_another_child(
    staff, sysadmin, parent, student, other_student, client_for
):
    guardianship = Guardianship.objects.get(parent=parent, student=student)
    client = client_for(sysadmin)
    response = client.post(
        _admin("change", guardianship.pk),
        {
            "parent": parent.pk,
            "student": other_student.pk,
            "kind": Guardianship.Kind.MOTHER,
            "application_number": guardianship.application_number,
            "application_date": "28.08.2026",
        },
    )
    assert response.status_code == 302
    guardianship.refresh_from_db()
    assert guardianship.student_id == student.pk
    _invariant_holds()

    # Ending it now closes exactly the child it opened.
    client.post(
        _admin("changelist"),
        {"action": "end", "_selected_action": [guardianship.pk], "reason": "решение суда"},
    )
    parent = type(parent).objects.get(pk=parent.pk)
    assert not _reads(parent, student) and not _reads(parent, other_student)
    _invariant_holds()


def test_the_database_refuses_to_change_the_pair(parent, student, other_student):
    guardianship = Guardianship.objects.get(parent=parent, student=student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardianship.objects.filter(pk=guardianship.pk).update(student=other_student)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_guardianship SET parent_id = %s WHERE id = %s", [student.user_id, guardianship.pk]
        )


def test_every_service_keeps_the_invariant_and_the_history(staff, deputy, student, other_student, frozen_now):
    parent = f.UserFactory(username="applicant")
    application = guardianships.application_record(
        parent=parent, student=student, number="З-12", date=datetime.date(2026, 11, 17), by=deputy
    )
    _invariant_holds()
    assert not _reads(parent, student)
    guardianships.application_approve(guardianship=application, by=deputy)
    _invariant_holds()
    assert _reads(type(parent).objects.get(pk=parent.pk), student)
    guardianships.guardianship_end(guardianship=application, by=deputy, reason="переезд")
    _invariant_holds()
    rejected = guardianships.application_record(
        parent=parent, student=other_student, number="З-13", date=datetime.date(2026, 11, 17), by=deputy
    )
    guardianships.application_reject(guardianship=rejected, by=deputy, reason="не представитель")
    _invariant_holds()
    statuses = [
        entry.new["status"]
        for entry in HistoryEntry.objects.filter(kind=HistoryEntry.Kind.GUARDIANSHIP, object_id=application.pk)
        .exclude(source=HistoryEntry.Source.SEED)
        .order_by("id")
    ]
    assert statuses == ["applied", "active", "ended"]
    assert verify_journal() == []


def test_verify_names_a_diary_opened_around_the_services(parent, other_student):
    assign_perm("journal.view_diary", parent, other_student)
    problems = [str(problem) for problem in verify_journal()]
    assert any(f"читает дневник ученика {other_student.pk}" in problem for problem in problems)


def test_verify_names_a_guardianship_ended_around_the_services(parent, student):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_guardianship SET status = 'ended', ended_at = %s WHERE parent_id = %s",
            [datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), parent.pk],
        )
    problems = " ".join(str(problem) for problem in verify_journal())
    assert "законное представительство" in problems and "изменено в обход" in problems
    assert f"пользователь {parent.pk} читает дневник ученика {student.pk}" in problems
