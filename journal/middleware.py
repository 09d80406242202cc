"""Everything but the login page and static files needs a logged-in user."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

OPEN_PREFIXES = ("/accounts/login/", "/accounts/password_reset/", "/static/", "/favicon.ico", "/healthz")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            # The admin has its own login page; the rest of the site uses ours.
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
