"""The guardianships in the admin: the status is read-only, diary access changes only through the actions."""

import pytest
from django.urls import reverse

from journal.models import Guardianship, Student, User
from journal.permissions import sync_role_permissions
from journal.tests import factories as f


@pytest.fixture
def staff(db):
    """The role groups hold exactly their declared permissions (as after ``migrate``)."""
    sync_role_permissions()


def _url(view: str, *args) -> str:
    return reverse(f"admin:journal_guardianship_{view}", args=args)


def test_guardianship_status_is_read_only_in_the_form(staff, sysadmin, client_for, student, frozen_now):
    guardianship = f.GuardianshipFactory(student=student, status=Guardianship.Status.APPLIED)
    response = client_for(sysadmin).post(
        _url("change", guardianship.pk),
        {
            "parent": guardianship.parent.pk,
            "student": student.pk,
            "kind": Guardianship.Kind.FATHER,
            "status": Guardianship.Status.ACTIVE,
            "application_number": "З-84",
            "application_date": "17.11.2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    guardianship.refresh_from_db()
    assert guardianship.kind == Guardianship.Kind.FATHER
    assert guardianship.status == Guardianship.Status.APPLIED
    assert not guardianship.parent.has_perm("journal.view_diary", student)


def _act(client, action: str, guardianship: Guardianship, **extra):
    data = {"action": action, "_selected_action": [guardianship.pk], "index": 0} | extra
    return client.post(_url("changelist"), data, follow=True)


def _can_read_diary(user: User, student: Student) -> bool:
    return User.objects.get(pk=user.pk).has_perm("journal.view_diary", student)


def test_guardianship_actions_grant_and_end_access(staff, sysadmin, client_for, student):
    guardianship = f.GuardianshipFactory(student=student, status=Guardianship.Status.APPLIED)
    client = client_for(sysadmin)

    response = _act(client, "approve", guardianship)
    assert "Доступ к дневнику предоставлен" in response.content.decode()
    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.ACTIVE
    assert _can_read_diary(guardianship.parent, student)

    response = _act(client, "end", guardianship)
    assert "Укажите основание" in response.content.decode()
    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.ACTIVE

    response = _act(client, "end", guardianship, reason="решение суда от 20.11.2026")
    assert "Доступ к дневнику прекращён" in response.content.decode()
    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.ENDED
    assert guardianship.end_reason == "решение суда от 20.11.2026"
    assert not _can_read_diary(guardianship.parent, student)
