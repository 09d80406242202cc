"""Model permissions of the staff roles, kept in code and applied after every ``migrate``.

The sysadmin manages accounts and reference data in the admin; the deputy reads everything there and
changes the edit windows (п. 3.3). The sysadmin may also add, change and delete marks, attendance and period
marks there: the admin writes them only through ``journal.services`` (``journal.admin_entries``), so the edit
windows hold as on every other path. Nobody may write the history. Whether a user
may enter the admin at all (``is_staff``) is decided per user, not here.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS

from .models import Role

ALL = ("add", "change", "delete", "view")
KEEP = ("add", "change", "view")
VIEW = ("view",)

#: Reference data the sysadmin keeps. Delete is given only where nothing of the journal hangs on the row
#: (or the database protects what does); accounts, cards, periods and guardianships are never deleted.
REFERENCE_DATA: dict[tuple[str, str], tuple[str, ...]] = {
    ("journal", "school"): KEEP,
    ("journal", "academicyear"): KEEP,
    ("journal", "studyperiod"): KEEP,
    ("journal", "holiday"): ALL,
    ("journal", "subject"): ALL,
    ("journal", "schoolclass"): KEEP,
    ("journal", "studentgroup"): ALL,
    ("journal", "teachingassignment"): KEEP,
    ("journal", "bell"): ALL,
    ("journal", "timetableslot"): ALL,
    ("journal", "plannedtopic"): ALL,
    ("journal", "teacher"): KEEP,
    ("journal", "student"): KEEP,
    ("journal", "guardianship"): KEEP,
    ("journal", "credentialreceipt"): ALL,
    ("journal", "user"): KEEP,
    ("journal", "worktype"): KEEP,
    ("journal", "workdaytransfer"): ALL,
}

#: The journal's entries, written in the admin through the services (windows enforced).
JOURNAL_ENTRIES: list[tuple[str, str]] = [("journal", "mark"), ("journal", "attendance"), ("journal", "periodmark")]

#: Read-only for both staff roles: the journal, its history, and the records only services write. The apps
#: above add theirs through ``register`` (diary visits: they answer «why does the dashboard say this parent
#: never opened the diary»).
READ_ONLY: list[tuple[str, str]] = [
    ("auth", "group"),
    ("journal", "lesson"),
    ("journal", "studentuserobjectpermission"),
    ("journal", "studentgroupobjectpermission"),
    ("journal", "historyentry"),
    ("journal", "historyhead"),
    ("journal", "editwindow"),
    ("journal", "lessonadjustment"),
    ("journal", "credentialissue"),
    ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
    ("axes", "accessattempt"),
]

#: Beyond viewing, the sysadmin unlocks an account locked out after failed logins (django-axes) by deleting
#: its access attempt. Apps above the journal add theirs with ``register`` (the late changes: applying).
SYSADMIN_EXTRA = {("axes", "delete_accessattempt")}


def register(*, read_only=(), sysadmin_extra=()) -> None:
    """An app above the journal (in its ``AppConfig.ready``) adds its models and rights to the staff roles.

    ``read_only``: ``(app_label, model)`` pairs both staff roles view and nobody changes in the admin;
    ``sysadmin_extra``: ``(app_label, codename)`` pairs only the sysadmin holds.
    """
    for key in read_only:
        if key not in READ_ONLY:
            READ_ONLY.append(key)
    SYSADMIN_EXTRA.update(sysadmin_extra)


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Role (group name) → the ``(app_label, codename)`` pairs it holds."""
    sysadmin = {(app, f"{action}_{model}") for (app, model), actions in REFERENCE_DATA.items() for action in actions}
    sysadmin |= {(app, f"view_{model}") for app, model in READ_ONLY} | SYSADMIN_EXTRA
    sysadmin |= {(app, f"{action}_{model}") for app, model in JOURNAL_ENTRIES for action in ALL}
    deputy = {(app, f"view_{model}") for app, model in [*REFERENCE_DATA, *READ_ONLY, *JOURNAL_ENTRIES]}
    deputy |= {("journal", "change_editwindow")}
    return {Role.SYSADMIN.value: sysadmin, Role.DEPUTY.value: deputy}


def managed_models() -> set[tuple[str, str]]:
    """Models whose permissions this module decides for the groups above; other permissions of those
    groups (given by another app) are left alone."""
    return {*REFERENCE_DATA, *READ_ONLY, *JOURNAL_ENTRIES}


def sync_role_permissions(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Give the staff groups exactly the permissions of ``role_permissions()`` on the managed models.

    Idempotent: a second run changes nothing. Creates the groups if they are missing. Returns the
    number of permissions added or removed per group.
    """
    wanted_by_role = role_permissions()
    managed_keys = managed_models()
    perms = Permission.objects.using(using).select_related("content_type")
    perms = perms.filter(content_type__app_label__in={app for app, _ in managed_keys})
    managed = {
        (p.content_type.app_label, p.codename): p.pk
        for p in perms
        if (p.content_type.app_label, p.content_type.model) in managed_keys
    }
    managed_ids = set(managed.values())
    changes = {}
    for role, wanted_keys in wanted_by_role.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {managed[key] for key in wanted_keys if key in managed}
        current = set(group.permissions.filter(pk__in=managed_ids).values_list("pk", flat=True))
        if current - wanted:
            group.permissions.remove(*(current - wanted))
        if wanted - current:
            group.permissions.add(*(wanted - current))
        changes[role] = len(current ^ wanted)
    return changes


def sync_role_permissions_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """``post_migrate`` receiver (connected in ``JournalConfig.ready``).

    Django creates each app's permissions in that app's own ``post_migrate`` turn; the roles span several
    apps (``auth``, ``journal``, ``axes`` and those that ``register``), so their permissions are made sure of here.
    """
    try:
        for app_label, model in (("auth", "group"), ("journal", "lesson"), ("journal", "editwindow")):
            apps.get_model(app_label, model)
    except LookupError:  # migrating backwards past these apps: nothing to give
        return
    for app_label in sorted({app for app, _ in managed_models()}):
        try:
            app_config = global_apps.get_app_config(app_label)
        except LookupError:  # an optional app (django-axes) that is not installed
            continue
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    sync_role_permissions(using=using)
