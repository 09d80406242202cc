"""Who lands where: login, the role-based start page, the login wall, and 403 for the wrong role."""

import datetime
import re
import uuid
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from journal.models import Student
from journal.tests import factories as f


def _user(request, who: str):
    """The user behind a cast fixture (``student`` is the student's card)."""
    member = request.getfixturevalue(who)
    return member.user if isinstance(member, Student) else member


START_PAGES = [
    ("teacher", "/journal/"),
    ("class_teacher", "/journal/"),
    ("parent", "/diary/"),
    ("student", "/diary/"),
    ("deputy", "/audit/"),
    ("director", "/audit/"),
    ("sysadmin", "/admin/"),
]


@pytest.mark.parametrize(("who", "start"), START_PAGES)
def test_home_sends_each_role_to_its_start_page(request, client_for, who, start):
    user = _user(request, who)
    response = client_for(user).get("/")
    assert response.status_code == 302
    assert response.url == start


def test_home_sends_a_user_without_a_role_to_the_explanation(client_for, db):
    client = client_for(f.UserFactory())
    response = client.get("/")
    assert response.url == "/no-role/"
    page = client.get("/no-role/")
    assert page.status_code == 403
    assert "Роль не назначена" in page.content.decode()


def test_login_page_is_russian(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Вход" in page
    assert "Пароль" in page
    assert 'lang="ru"' in page


def test_wrong_password_shows_the_russian_error(client, teacher):
    response = client.post("/accounts/login/", {"username": teacher.username, "password": "не тот"})
    assert response.status_code == 200
    assert "Неверный логин или пароль" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("who", "start"), START_PAGES)
def test_login_leads_to_the_start_page(request, client, db, who, start):
    user = _user(request, who)
    response = client.post("/accounts/login/", {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").url == start
    assert client.get(start, follow=True).status_code == 200


def test_login_returns_to_the_page_asked_for(client, teacher):
    response = client.post(
        "/accounts/login/", {"username": teacher.username, "password": f.PASSWORD, "next": "/journal/"}
    )
    assert response.url == "/journal/"


def test_logout_by_post_ends_the_session(client, teacher):
    client.force_login(teacher)
    assert client.get("/journal/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/journal/").status_code == 302


# The login wall ----------------------------------------------------------------------------------------------

#: Pages that are open without a login.
OPEN_URL_NAMES = {"login", "healthz"}
FAKE_VALUES = ["7", "x", "2026-11-28", str(uuid.UUID(int=7))]


def _fake_kwargs(converters: dict, regex_groups: list[str]) -> list[dict]:
    """Candidate keyword arguments for a pattern's parameters (fake ids), most likely first."""
    kwargs = {}
    for name, converter in converters.items():
        kwargs[name] = next((v for v in FAKE_VALUES if re.fullmatch(converter.regex, v)), FAKE_VALUES[0])
    kwargs |= dict.fromkeys(regex_groups, "7")
    typed = {
        name: int(v) if v.isdigit() else datetime.date.fromisoformat(v) if v.count("-") == 2 else v
        for name, v in kwargs.items()
    }
    return [kwargs, typed]


def _named_urls() -> list[tuple[str, str]]:
    """Every named URL of the project outside the admin, reversed with fake arguments where it needs them."""
    found = []

    def walk(patterns, namespaces, converters, groups):
        for pattern in patterns:
            own_converters = getattr(pattern.pattern, "converters", {})
            own_groups = list(getattr(pattern.pattern, "regex", re.compile("")).groupindex)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                namespace = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, namespace, converters | own_converters, groups + own_groups)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = ":".join([*namespaces, pattern.name])
                found.append((name, converters | own_converters, groups + own_groups))

    walk(get_resolver().url_patterns, [], {}, [])
    urls = []
    for name, converters, groups in found:
        if name in OPEN_URL_NAMES:
            continue
        for kwargs in _fake_kwargs(converters, groups):
            try:
                urls.append((name, reverse(name, kwargs=kwargs)))
                break
            except (NoReverseMatch, AttributeError, TypeError, ValueError):
                continue
        else:
            raise AssertionError(f"cannot build a URL for {name!r}: teach _fake_kwargs its parameters")
    return urls


def test_the_url_walk_finds_the_main_pages():
    names = {name for name, _ in _named_urls()}
    assert {"home", "no_role", "logout", "journal:index", "diary:index", "audit:dashboard"} <= names


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    """Every named page of the project (but the login page and /healthz), with fake ids where it takes them.

    One test walking the URLconf when it runs (not at collection), so a broken module of another app fails
    here rather than stopping the whole run.
    """
    wrong = []
    for name, url in _named_urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            expected = f"/accounts/login/?next={quote(url, safe='/')}"
            if response.status_code != 302 or response.url != expected:
                wrong.append((method.upper(), name, url, response.status_code, response.get("Location")))
    assert wrong == []


def test_open_pages_need_no_login(client, db):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_anonymous_admin_visitor_gets_the_admin_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/"
    assert client.get(response.url).status_code == 200


# Sections closed to the wrong role -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("teacher", "/journal/", 200),
        ("class_teacher", "/journal/", 200),
        ("teacher", "/audit/", 403),
        ("class_teacher", "/audit/", 403),
        ("parent", "/journal/", 403),
        ("parent", "/audit/", 403),
        ("student", "/journal/", 403),
        ("student", "/audit/", 403),
        ("deputy", "/audit/", 200),
        ("director", "/audit/", 200),
        ("deputy", "/journal/", 403),
        ("director", "/journal/", 403),
        ("sysadmin", "/journal/", 403),
        ("sysadmin", "/audit/", 403),
        ("teacher", "/diary/", 403),
        ("deputy", "/diary/", 403),
        ("sysadmin", "/admin/", 200),
    ],
)
def test_sections_by_role(request, client_for, who, url, status):
    user = _user(request, who)
    assert client_for(user).get(url).status_code == status


def test_forbidden_page_is_russian(client_for, parent):
    response = client_for(parent).get("/journal/")
    assert response.status_code == 403
    assert 'lang="ru"' in response.content.decode()


def test_client_for_logs_in_as_that_user(client_for, teacher, parent):
    assert client_for(teacher).session["_auth_user_id"] == str(teacher.pk)
    assert isinstance(client_for(parent), Client)
