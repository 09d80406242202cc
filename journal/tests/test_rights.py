"""Roles are guarded like the marks (issue 14, point 3): staff roles only from a superuser, never one's own, every
grant and revocation a history entry, and a grant around the services caught by ``verify_journal``."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.forms.models import model_to_dict
from django.urls import reverse

from journal.models import HistoryEntry, Role, User
from journal.permissions import sync_role_permissions
from journal.tests import factories as f
from journal.verify import verify_journal


@pytest.fixture
def staff(db):
    sync_role_permissions()


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True)


def _group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def _user_form(user: User, **changes) -> dict:
    data = model_to_dict(user, fields=["username", "surname", "name", "patronymic", "email", "phone"])
    data |= {
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": "01.09.2026",
        "date_joined_1": "08:00:00",
    }
    return {key: "" if value is None else value for key, value in data.items()} | changes


def _post(client, user: User, **changes):
    return client.post(reverse("admin:journal_user_change", args=[user.pk]), _user_form(user, **changes))


def _roles(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_the_sysadmin_cannot_make_himself_director(staff, sysadmin, client_for):
    client = client_for(sysadmin)
    response = _post(client, sysadmin, groups=[_group(Role.SYSADMIN).pk, _group(Role.DIRECTOR).pk])
    assert response.status_code in (200, 302)
    assert _roles(sysadmin) == {Role.SYSADMIN.value}  # his own rights are read-only in his form


def test_the_sysadmin_cannot_give_anyone_a_staff_role(staff, sysadmin, teacher, client_for):
    response = _post(client_for(sysadmin), teacher, groups=[_group(Role.TEACHER).pk, _group(Role.DIRECTOR).pk])
    assert response.status_code == 200
    assert "только суперпользователь" in response.content.decode()
    assert _roles(teacher) == {Role.TEACHER.value}


def test_the_sysadmin_gives_a_teacher_role_and_the_history_says_so(staff, sysadmin, client_for):
    user = f.UserFactory(username="new_teacher")
    response = _post(client_for(sysadmin), user, groups=[_group(Role.TEACHER).pk])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _roles(user) == {Role.TEACHER.value}
    entry = HistoryEntry.objects.filter(kind=HistoryEntry.Kind.ROLE, object_id=user.pk).latest("id")
    assert (entry.user_id, entry.source) == (sysadmin.pk, HistoryEntry.Source.ADMIN)
    assert (entry.old["roles"], entry.new["roles"]) == ([], [Role.TEACHER.value])


def test_a_superuser_grants_and_revokes_a_staff_role(staff, superuser, teacher, client_for):
    client = client_for(superuser)
    assert _post(client, teacher, groups=[_group(Role.TEACHER).pk, _group(Role.DEPUTY).pk]).status_code == 302
    assert _roles(teacher) == {Role.TEACHER.value, Role.DEPUTY.value}
    assert _post(client, teacher, groups=[_group(Role.TEACHER).pk]).status_code == 302
    assert _roles(teacher) == {Role.TEACHER.value}
    changes = HistoryEntry.objects.filter(kind=HistoryEntry.Kind.ROLE, object_id=teacher.pk, user=superuser)
    assert [entry.new["roles"] for entry in changes.order_by("id")] == [
        sorted([Role.TEACHER.value, Role.DEPUTY.value]),
        [Role.TEACHER.value],
    ]


def test_nobody_changes_their_own_rights_not_even_a_superuser(staff, superuser, client_for):
    _post(client_for(superuser), superuser, groups=[_group(Role.DIRECTOR).pk])
    assert _roles(superuser) == set()


def test_only_a_superuser_sets_the_admin_flag(staff, sysadmin, teacher, client_for):
    _post(client_for(sysadmin), teacher, is_staff="on")
    assert not User.objects.get(pk=teacher.pk).is_staff


def test_a_role_given_around_the_services_is_caught(staff, teacher):
    assert verify_journal() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journal_user_groups (user_id, group_id) VALUES (%s, %s)",
            [teacher.pk, _group(Role.DIRECTOR).pk],
        )
    problems = [str(problem) for problem in verify_journal()]
    assert any(f"права пользователя id {teacher.pk}" in problem and "Директор" in problem for problem in problems)
