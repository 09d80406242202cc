"""The settings module reads the environment and fails loudly on a bad value."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from school84 import settings


def test_no_database_url_means_sqlite_in_the_project():
    for url in (None, ""):
        database = settings.database_from_url(url)
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["NAME"] == settings.BASE_DIR / "db.sqlite3"


def test_postgres_url_is_parsed():
    database = settings.database_from_url("postgres://journal:p%40ss@db.school84.local:5433/school84?sslmode=require")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "school84"
    assert database["USER"] == "journal"
    assert database["PASSWORD"] == "p@ss"
    assert database["HOST"] == "db.school84.local"
    assert database["PORT"] == "5433"
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_postgres_url_without_port_or_password():
    database = settings.database_from_url("postgresql://postgres@127.0.0.1/school84")
    assert (database["NAME"], database["USER"], database["PASSWORD"], database["PORT"]) == (
        "school84",
        "postgres",
        "",
        "",
    )


def test_sqlite_url():
    options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    absolute = settings.database_from_url("sqlite:////var/lib/school84/journal.sqlite3")
    assert absolute == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/var/lib/school84/journal.sqlite3",
        "OPTIONS": options,
    }
    relative = settings.database_from_url("sqlite:///journal.sqlite3")
    assert relative["NAME"] == settings.BASE_DIR / "journal.sqlite3"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/",
        "postgres://postgres@127.0.0.1:5432",
        "mysql://root@127.0.0.1/school84",
        "127.0.0.1:5432/school84",
    ],
)
def test_bad_database_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        settings.database_from_url(url)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("", False)],
)
def test_envbool_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SCHOOL84_TEST_FLAG", raw)
    assert settings.envbool("SCHOOL84_TEST_FLAG", "false") is expected


def test_envbool_default(monkeypatch):
    monkeypatch.delenv("SCHOOL84_TEST_FLAG", raising=False)
    assert settings.envbool("SCHOOL84_TEST_FLAG", "true") is True


@pytest.mark.parametrize("raw", ["да", "2", "enabled", "tru"])
def test_envbool_refuses_other_values(monkeypatch, raw):
    monkeypatch.setenv("SCHOOL84_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SCHOOL84_TEST_FLAG"):
        settings.envbool("SCHOOL84_TEST_FLAG", "false")


def test_envint(monkeypatch):
    monkeypatch.setenv("SCHOOL84_TEST_NUMBER", "42")
    assert settings.envint("SCHOOL84_TEST_NUMBER", "1") == 42
    monkeypatch.delenv("SCHOOL84_TEST_NUMBER")
    assert settings.envint("SCHOOL84_TEST_NUMBER", "7") == 7


@pytest.mark.parametrize("raw", ["", "ten", "1.5", "10MB"])
def test_envint_refuses_non_integers(monkeypatch, raw):
    monkeypatch.setenv("SCHOOL84_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="SCHOOL84_TEST_NUMBER"):
        settings.envint("SCHOOL84_TEST_NUMBER", "1")


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    """Import ``school84.settings`` in a fresh interpreter with ``env`` over a clean environment."""
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import school84.settings"],
        cwd=django_settings.BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_settings_load_with_a_secret_key_when_debug_is_off():
    result = _import_settings(DEBUG="false", SECRET_KEY="a-long-random-production-secret")
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_in_the_environment_stops_the_start():
    result = _import_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
