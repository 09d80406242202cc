"""A one-time password must be changed at the first login (``User.must_change_password``).

Add after ``journal.middleware.LoginRequiredMiddleware`` in ``MIDDLEWARE``::

    "onboarding.middleware.PasswordChangeRequiredMiddleware",

Until the password is changed, every page but the password page itself, logout and static files
redirects to ``onboarding:password``; requests that expect JSON (the grid's saves) get 403 with a message.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/static/", "/favicon.ico", "/healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            target = reverse("onboarding:password")
            if request.path != target and not request.path.startswith(OPEN_PREFIXES):
                if "application/json" in request.headers.get("Accept", ""):
                    return JsonResponse({"ok": False, "error": _("Смените выданный пароль.")}, status=403)
                return redirect(target)
        return self.get_response(request)
