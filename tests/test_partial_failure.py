"""Correct under partial failure: a web process cut off from Redis never leaves the others serving an old page.

Two real app processes (gunicorn) on the same PostgreSQL: B reaches Redis, A does not (its REDIS_URL points at a
closed port, as when a Redis restart or a network blip hits one server). A teacher's save through A is in the
journal; B, which cached the grid and the diary before the save, must show the new mark at once — the page
versions are database rows written with the save, not keys A would have had to reach Redis to move.
"""

import datetime
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client

from journal.models import Mark, Role
from journal.tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[1]
DEAD_REDIS = "redis://127.0.0.1:6390/0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    """One gunicorn process of the app with its own environment."""

    def __init__(self, redis_url: str) -> None:
        self.port = _free_port()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "school84.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "PAGE_CACHE": "true",
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions made by this process must be valid there
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "CONN_MAX_AGE": "0",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "school84.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the app did not start: {self.process.stderr.read().decode()[-2000:]}"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Browser:
    """A logged-in user's cookies, reused against either process."""

    def __init__(self, session_key: str) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session_key = session_key

    def _request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}"}
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME)
            headers["Cookie"] += f"; {settings.CSRF_COOKIE_NAME}={token}"
            headers |= {"X-CSRFToken": token, "X-Requested-With": "fetch"}
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, url: str) -> str:
        status, body = self._request(url)
        assert status == 200, (url, status, body[:500])
        return body

    def post(self, url: str, data: dict) -> tuple[int, str]:
        return self._request(url, data)


def _table(page: str) -> str:
    return page[page.index('<table class="jg"') : page.index("</table>")]


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(autouse=True)
def _real_clock():
    """The app processes run on the machine's real clock, so this test does too (sessions, dates), even when the
    suite runs with the clock moved (``--machine-date``)."""
    if not time_machine.escape_hatch.is_travelling():
        yield
        return
    with time_machine.travel(time_machine.escape_hatch.time.time(), tick=True):
        yield


@pytest.fixture
def apps():
    with_redis = App(os.environ["REDIS_URL"])
    cut_off = App(DEAD_REDIS)
    yield with_redis, cut_off
    with_redis.stop()
    cut_off.stop()


@pytest.fixture
def school_today(transactional_db):
    """A class, a lesson today, a mark-less student and their parent — around the real date (the processes run
    on the real clock)."""
    today = datetime.date.today()
    year = f.AcademicYearFactory(
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=60),
        marks_deadline=today + datetime.timedelta(days=50),
    )
    period = f.StudyPeriodFactory(
        year=year,
        number=1,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=30),
        marks_deadline=today + datetime.timedelta(days=32),
    )
    teacher = f.UserFactory(username="pf_teacher", roles=[Role.TEACHER])
    school_class = f.SchoolClassFactory(year=year, grade=5, letter="А")
    assignment = f.TeachingAssignmentFactory(teacher=teacher, school_class=school_class)
    student = f.StudentFactory(school_class=school_class)
    parent = f.UserFactory(username="pf_parent", roles=[Role.PARENT])
    f.GuardianshipFactory(parent=parent, student=student)
    # No lessons on Sundays: then the lesson was yesterday (still open for a mark).
    day = today - datetime.timedelta(days=1) if today.isoweekday() == 7 else today
    lesson = f.LessonFactory(assignment=assignment, date=day, number=1)
    return {"teacher": teacher, "parent": parent, "student": student, "lesson": lesson, "period": period}


def test_a_save_through_a_process_without_redis_shows_everywhere_at_once(apps, school_today):
    with_redis, cut_off = apps
    world = school_today
    assignment = world["lesson"].assignment
    grid_path = f"/journal/a/{assignment.pk}/?period={world['period'].pk}"
    week_path = f"/diary/{world['student'].pk}/week/?date={world['lesson'].date.isoformat()}"
    teacher = Browser(_session_of(world["teacher"]))
    parent = Browser(_session_of(world["parent"]))

    # B builds and caches the grid and the child's week before the save.
    before = teacher.get(with_redis.url + grid_path)
    assert "5</i>" not in before
    assert 'class="dl-mark ' not in parent.get(with_redis.url + week_path)
    assert _table(teacher.get(with_redis.url + grid_path)) == _table(before)
    cached = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert cached.keys("*page:grid:*") and cached.keys("*page:week:*")  # B keeps both pages in Redis

    # A saves a mark: its Redis is unreachable, the save still succeeds (journal, history).
    teacher.get(cut_off.url + grid_path)  # the CSRF cookie
    status, body = teacher.post(
        cut_off.url + f"/journal/a/{assignment.pk}/cell/",
        {"lesson": world["lesson"].pk, "student": world["student"].pk, "text": "5", "expected": ""},
    )
    assert status == 200, body
    token = json.loads(body)["k"]
    assert Mark.objects.get(lesson=world["lesson"]).value == 5

    # B shows it at once on the teacher's grid and in the parent's diary…
    after = teacher.get(with_redis.url + grid_path)
    assert "5</i>" in after
    assert f'data-k="{token}"' in after
    week = parent.get(with_redis.url + week_path)
    assert 'class="dl-mark ' in week and ">5<sub>" in week
    # …and the teacher's next save from B's page is not refused as stale.
    status, body = teacher.post(
        with_redis.url + f"/journal/a/{assignment.pk}/cell/",
        {"lesson": world["lesson"].pk, "student": world["student"].pk, "text": "4", "expected": token},
    )
    assert status == 200, body
