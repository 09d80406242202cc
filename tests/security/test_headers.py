"""Security headers on every kind of page, production settings, and templates without inline scripts."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "journal.school84.ru",
    "CSRF_TRUSTED_ORIGINS": "https://journal.school84.ru",
    "SECURE_HSTS_SECONDS": str(60 * 60 * 24 * 365),
    # An opt-in: once a domain is on the browsers' preload list it is hard to leave it.
    "SECURE_HSTS_PRELOAD": "true",
}


def _production_env() -> dict:
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return {**keep, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "school84.settings"}


def test_check_deploy_is_clean_with_the_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cookies_are_secure_when_debug_is_off():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True"], result.stderr


@pytest.fixture
def pages(cast, world, assignment, student):
    """page kind → (who, url): one page of each part of the site."""
    return {
        "journal": ("teacher", f"/journal/a/{assignment.pk}/"),
        "diary": ("parent", f"/diary/{student.pk}/week/"),
        "audit": ("deputy", "/audit/"),
        "planning": ("sysadmin", "/plan/"),
        "login": ("anonymous", "/accounts/login/"),
        "admin": ("sysadmin", "/admin/"),
        "not found": ("teacher", "/journal/a/999999/"),
    }


def test_every_kind_of_page_carries_the_security_headers(client, cast, pages):
    for kind, (who, url) in pages.items():
        client.logout()
        if cast[who] is not None:
            client.force_login(cast[who])
        response = client.get(url)
        assert response.status_code in (200, 404), (kind, response.status_code)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", kind
        assert directives["object-src"] == "'none'", kind
        assert directives["frame-ancestors"] == "'none'", kind
        assert "unsafe-inline" not in directives["default-src"], kind
        assert response["X-Frame-Options"] == "DENY", kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "same-origin", kind


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def test_templates_have_no_inline_scripts_or_handlers():
    """The CSP would block them: scripts come only from ``static/`` files (``<script src=…>``)."""
    found = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JAVASCRIPT_URL):
            found += [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert found == []


def test_the_scanner_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/grid.js" defer></script>')
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert not HANDLER.search('<button type="button" data-on="x">')
