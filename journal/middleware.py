"""Everything but the login page and static files needs a logged-in user."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

# The admin has its own login page and sends anonymous visitors there itself.
OPEN_PREFIXES = ("/accounts/login/", "/admin/", "/static/", "/favicon.ico", "/healthz")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            # The admin has its own login page; the rest of the site uses ours.
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A strict Content Security Policy: scripts and styles only from our own static files, no inline code.

    The Django admin's templates carry a few inline ``style`` attributes, so under ``/admin/`` styles may be
    inline; scripts never are.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'{style}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.site_policy = self.POLICY.format(style="")
        self.admin_policy = self.POLICY.format(style=" 'unsafe-inline'")

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.admin_policy if request.path.startswith("/admin/") else self.site_policy
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
