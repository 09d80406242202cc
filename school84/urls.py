from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from journal import sessions as journal_sessions
from journal import views as journal_views

admin.site.site_header = _("МАОУ СОШ № 84 — администрирование журнала")
admin.site.site_title = _("Журнал СОШ № 84")
admin.site.index_title = _("Справочники и учётные записи")

urlpatterns = [
    path("", journal_views.home, name="home"),
    path("no-role/", journal_views.no_role, name="no_role"),
    path("healthz", journal_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/sessions/", journal_sessions.sessions, name="sessions"),
    path("journal/", include("journal.urls")),
    path("diary/", include("diary.urls")),
    path("plan/", include("onboarding.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT, with DEBUG on or off: homework files and document scans go out only through the
# views that check who asks (diary:homework, journal:lesson_file, audit:late_change_scan).
