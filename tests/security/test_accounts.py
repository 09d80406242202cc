"""Accounts: lockout after repeated failures, sessions, logout, staff passwords, the admin only for staff."""

import pytest
from axes.utils import reset
from django.contrib.sessions.models import Session
from django.test import Client

LOCKED = "Вход временно заблокирован"


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def axes_on(db, settings):
    settings.AXES_ENABLED = True
    reset()
    yield
    reset()


def test_ten_failures_lock_the_account_even_for_the_right_password(axes_on, teacher):
    client = Client()
    for attempt in range(9):
        response = _login(client, "teacher", f"wrong-{attempt}", address=f"10.0.1.{attempt}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    # the tenth failure locks the account at once
    assert LOCKED in _login(client, "teacher", "wrong-9", address="10.0.1.9").content.decode()
    response = _login(client, "teacher", "pass", address="10.0.2.1")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_failures_from_one_address_lock_the_address_for_other_accounts(axes_on, teacher, parent):
    client = Client()
    for attempt in range(10):
        _login(client, f"nobody{attempt}", "wrong", address="10.0.3.3")
    response = _login(client, "parent", "pass", address="10.0.3.3")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # from another address the parent still logs in
    assert _login(Client(), "parent", "pass", address="10.0.4.4").status_code == 302


def _via_proxy(client: Client, username: str, password: str, forwarded: str):
    """A login through nginx: the connection comes from the proxy, the client is in X-Forwarded-For."""
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_the_lockout_counts_the_real_client(axes_on, settings, teacher, parent):
    """Many people mistyping behind the school's proxy do not lock the school out: each address counts alone."""
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        # The spoofed left part of the header is not trusted: the proxy appended the real address.
        _via_proxy(Client(), f"nobody{attempt}", "wrong", forwarded=f"1.2.3.{attempt}, 10.0.5.5")
    assert LOCKED in _via_proxy(Client(), "parent", "pass", forwarded="10.0.5.5").content.decode()
    # Another family behind the same proxy logs in.
    assert _via_proxy(Client(), "parent", "pass", forwarded="10.0.6.6").status_code == 302


def test_without_the_proxy_setting_a_forged_header_changes_nothing(axes_on, settings, teacher, parent):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(10):
        _via_proxy(Client(), f"nobody{attempt}", "wrong", forwarded=f"10.0.7.{attempt}")
    # All came from 127.0.0.1: that address is locked, whatever the header says.
    assert LOCKED in _via_proxy(Client(), "parent", "pass", forwarded="10.0.8.8").content.decode()


def test_nine_failures_do_not_lock(axes_on, teacher):
    client = Client()
    for attempt in range(9):
        _login(client, "teacher", f"wrong-{attempt}")
    response = _login(client, "teacher", "pass")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


def test_the_session_key_changes_at_login(teacher):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    assert client.post("/accounts/login/", {"username": "teacher", "password": "pass"}).status_code == 302
    assert client.session.session_key != before


def test_logout_ends_the_session(client_for, teacher):
    client = client_for(teacher)
    key = client.session.session_key
    assert client.get("/journal/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get("/journal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_ends_their_other_sessions(teacher, other_teacher):
    laptop, phone, colleague = Client(), Client(), Client()
    for client, user in ((laptop, "teacher"), (phone, "teacher"), (colleague, "other_teacher")):
        assert client.post("/accounts/login/", {"username": user, "password": "pass"}).status_code == 302
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert page.content.decode().count("Другой сеанс") == 1
    assert "Завершить все другие сеансы" in page.content.decode()

    assert laptop.post("/accounts/sessions/").status_code == 302
    assert laptop.get("/journal/").status_code == 200
    assert phone.get("/journal/")["Location"].startswith("/accounts/login/")
    assert colleague.get("/journal/").status_code == 200  # someone else's session is untouched


def _change_password(client: Client, new: str):
    return client.post("/accounts/password/", {"old_password": "pass", "new_password1": new, "new_password2": new})


def test_a_teacher_cannot_set_a_short_password(client_for, teacher):
    response = _change_password(client_for(teacher), "qwerty")
    assert response.status_code == 200
    assert "Пароль сотрудника должен быть не короче 10 символов" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password("pass")


def test_a_parent_may_set_an_eight_character_password(client_for, parent):
    response = _change_password(client_for(parent), "Kr4snod8")
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password("Kr4snod8")


@pytest.mark.parametrize("who", ["parent", "teacher", "director"])
def test_the_admin_is_only_for_staff(request, client_for, who):
    response = client_for(request.getfixturevalue(who)).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
