"""«Мои сеансы»: the user sees where they are logged in and can end every other session.

No model of our own: sessions live in ``django.contrib.sessions`` (``cached_db``), so the page scans the
unexpired Session rows and decodes each to find the user's. At a school's scale (about two thousand accounts,
a session lasting at most ``SESSION_COOKIE_AGE``) that is a few thousand small rows, read only on this page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods


def _store_class():
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def sessions_of(user) -> list[Session]:
    """The user's unexpired sessions, newest expiry first."""
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).order_by("-expire_date"):
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            found.append(session)
    return found


def end_other_sessions(*, user, keep: str | None) -> int:
    """Deletes every session of ``user`` but ``keep``; through the store, so the cached copy goes too."""
    store = _store_class()
    ended = 0
    for session in sessions_of(user):
        if session.session_key != keep:
            store(session.session_key).delete()
            ended += 1
    return ended


@require_http_methods(["GET", "POST"])
def sessions(request):
    current = request.session.session_key
    if request.method == "POST":
        ended = end_other_sessions(user=request.user, keep=current)
        messages.success(request, _("Завершено других сеансов: %(n)s.") % {"n": ended})
        return redirect("sessions")
    rows = [
        {"expires": session.expire_date, "current": session.session_key == current}
        for session in sessions_of(request.user)
    ]
    return render(request, "registration/sessions.html", {"rows": rows, "others": sum(not r["current"] for r in rows)})
