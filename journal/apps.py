from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = _("Электронный журнал")

    def ready(self) -> None:
        from . import caches, pagecache
        from .models import StudentGroup
        from .permissions import sync_role_permissions_after_migrate
        from .reference import ensure_reference_data

        # sender=self: once per migrate run (every app's post_migrate turn would repeat the same work).
        post_migrate.connect(
            sync_role_permissions_after_migrate, sender=self, dispatch_uid="journal.sync_role_permissions"
        )
        # Roles, work types, edit windows and the history head exist in every database, even after a
        # test flush; the append-only triggers too.
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="journal.ensure_reference_data")

        # The edit windows and work types are kept in memory for the write path; a change clears them at once.
        for sender in ("journal.EditWindow", "journal.WorkType"):
            post_save.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-save")
            post_delete.connect(caches.clear, sender=sender, dispatch_uid=f"clear-cache-{sender}-delete")

        # Rows the grid and the diary show beside the journal itself: changing one retires every cached page
        # (journal.pagecache). Marks, attendance, period marks, topics and homework retire only their
        # classes' pages, through the history every such write leaves.
        for sender in PAGE_DATA:
            post_save.connect(pagecache.everything_changed, sender=sender, dispatch_uid=f"pages-{sender}-save")
            post_delete.connect(pagecache.everything_changed, sender=sender, dispatch_uid=f"pages-{sender}-delete")
        post_save.connect(_user_saved, sender="journal.User", dispatch_uid="pages-user-save")
        post_delete.connect(pagecache.everything_changed, sender="journal.User", dispatch_uid="pages-user-delete")
        m2m_changed.connect(
            pagecache.everything_changed, sender=StudentGroup.students.through, dispatch_uid="pages-group-students"
        )


PAGE_DATA = (
    "journal.School",
    "journal.AcademicYear",
    "journal.StudyPeriod",
    "journal.Holiday",
    "journal.Subject",
    "journal.SchoolClass",
    "journal.StudentGroup",
    "journal.TeachingAssignment",
    "journal.Bell",
    "journal.Teacher",
    "journal.Student",
    "journal.Lesson",
    "journal.WorkType",
    "journal.EditWindow",
)

# A login stores last_login, a password change the password: neither is on a page.
ACCOUNT_FIELDS = frozenset({"last_login", "password", "must_change_password"})


def _user_saved(sender, update_fields=None, **kwargs) -> None:
    from . import pagecache

    if update_fields and set(update_fields) <= ACCOUNT_FIELDS:
        return
    pagecache.everything_changed()
