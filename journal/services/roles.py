"""Who holds which role: every grant and revocation goes through here and is a chained history entry.

DESIGN.md: «Nobody grants themselves a role; staff roles are granted by a superuser.»

- The staff roles — Директор, Заместитель директора, Системный администратор — and the account's staff and
  superuser flags and direct permissions are granted and revoked only by a superuser (or by the system itself:
  a migration, the demo seed).
- Nobody changes their own roles, flags or permissions, the superuser included.
- The other roles (teacher, class teacher, parent, student) are granted by the services that have the right to:
  the people import, parents' applications, the sysadmin in the admin.

The state the history records for a user (kind «роли пользователя») is their roles, the two flags and their
direct permissions; ``verify_journal`` compares it with the database.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import Role, User
from .base import Action, Kind, Origin, journal_write

STAFF_ROLES = frozenset({Role.DIRECTOR.value, Role.DEPUTY.value, Role.SYSADMIN.value})


def role_state(user: User) -> dict:
    """A user's rights as the history records them."""
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "staff": user.is_staff,
        "superuser": user.is_superuser,
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


def check_rights_change(*, by: User | None, user: User, old: dict, new: dict) -> None:
    """Refuse a change of ``user``'s rights that ``by`` may not make (PermissionDenied, in Russian)."""
    if old == new or by is None:
        return
    if user.pk is not None and by.pk == user.pk:
        raise PermissionDenied(_("Свои роли, права и флаги администратора менять нельзя: это делает другой человек."))
    staff_roles = (set(old["roles"]) ^ set(new["roles"])) & STAFF_ROLES
    flags = old["staff"] != new["staff"] or old["superuser"] != new["superuser"]
    permissions = old["permissions"] != new["permissions"]
    if (staff_roles or flags or permissions) and not by.is_superuser:
        raise PermissionDenied(
            _(
                "Роли «Директор», «Заместитель директора», «Системный администратор», права и флаги доступа "
                "к администрированию выдаёт и снимает только суперпользователь."
            )
        )


def rights_set(
    *,
    origin: Origin,
    user: User,
    roles: Iterable[str] | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    permissions: Iterable[Permission] | None = None,
) -> dict:
    """Set a user's roles (group names), flags and direct permissions; ``None`` leaves that part as it is."""
    with journal_write(origin) as write:
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        old = role_state(user)
        new = dict(old)
        if roles is not None:
            new["roles"] = sorted({Role(role).value for role in roles})
        if is_staff is not None:
            new["staff"] = bool(is_staff)
        if is_superuser is not None:
            new["superuser"] = bool(is_superuser)
        if permissions is not None:
            permissions = list(permissions)
            new["permissions"] = sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
        check_rights_change(by=origin.by, user=user, old=old, new=new)
        if new == old:
            return old
        if new["roles"] != old["roles"]:
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in new["roles"]])
        if (new["staff"], new["superuser"]) != (old["staff"], old["superuser"]):
            User.objects.filter(pk=user.pk).update(is_staff=new["staff"], is_superuser=new["superuser"])
            user.is_staff, user.is_superuser = new["staff"], new["superuser"]
        if permissions is not None and new["permissions"] != old["permissions"]:
            user.user_permissions.set(permissions)
        user.__dict__.pop("role_names", None)
        write.add(kind=Kind.ROLE, action=Action.UPDATE, object_id=user.pk, old=old, new=new)
    return new


def rights_record(*, origin: Origin, user: User) -> None:
    """Record a user's rights as they are, if the history does not say so already (an account made by the
    system: ``createsuperuser``, the demo school, a test's factory)."""
    from ..models import HistoryEntry

    with journal_write(origin) as write:
        state = role_state(user)
        last = (
            HistoryEntry.objects.filter(kind=Kind.ROLE, object_id=user.pk)
            .order_by("-id")
            .values_list("new", flat=True)
            .first()
        )
        if last != state:
            write.add(
                kind=Kind.ROLE,
                action=Action.CREATE if last is None else Action.UPDATE,
                object_id=user.pk,
                old=last,
                new=state,
            )


def roles_grant(*, origin: Origin, user: User, roles: Iterable[str]) -> dict:
    """Add roles to a user (those they hold already stay)."""
    current = set(user.groups.values_list("name", flat=True))
    return rights_set(origin=origin, user=user, roles=current | {Role(role).value for role in roles})


def roles_revoke(*, origin: Origin, user: User, roles: Iterable[str]) -> dict:
    current = set(user.groups.values_list("name", flat=True))
    return rights_set(origin=origin, user=user, roles=current - {Role(role).value for role in roles})
