"""The journal keeps working when Redis is down; uploads are served only through permission-checked views."""

import datetime

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

from journal.models import Mark
from journal.tests import factories as f
from school84 import settings as production_settings

DEAD_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings):
    """The cache (and with it the cached half of the sessions) and the broker point at a closed port."""
    settings.CACHES = production_settings.caches_for(DEAD_REDIS)
    settings.CELERY_BROKER_URL = DEAD_REDIS
    # Django's ``setting_changed`` receiver drops the cache connections: the next access uses the dead Redis.
    yield


def test_the_journal_and_the_diary_answer_without_redis(redis_down, client_for, teacher, assignment, parent, student):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 27), number=1)
    teacher_client = client_for(teacher)
    assert teacher_client.get(f"/journal/a/{assignment.pk}/").status_code == 200
    response = teacher_client.post(
        f"/journal/a/{assignment.pk}/cell/", {"lesson": lesson.pk, "student": student.pk, "text": "5", "expected": ""}
    )
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    assert Mark.objects.get(lesson=lesson, student=student).value == 5
    assert client_for(parent).get(f"/diary/{student.pk}/week/").status_code == 200


@pytest.mark.parametrize("debug", [True, False])
def test_media_is_not_routed_with_debug_on_or_off(settings, debug):
    """Homework files and scans go out only through views that check who asks (``diary:homework`` …)."""
    import importlib

    import school84.urls

    settings.DEBUG = debug
    try:
        module = importlib.reload(school84.urls)
        clear_url_caches()
        assert not any("media" in str(pattern.pattern) for pattern in module.urlpatterns)
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL.strip('/')}/homework/secret.pdf")
    finally:
        settings.DEBUG = True
        importlib.reload(school84.urls)
        clear_url_caches()


def test_a_teacher_downloads_only_their_own_lessons_file(client_for, teacher, other_teacher, assignment, settings):
    from django.core.files.base import ContentFile

    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 16))
    lesson.homework_file.save("tasks.pdf", ContentFile(b"%PDF-1.4 tasks"), save=True)
    url = f"/journal/lesson/{lesson.pk}/file/"
    response = client_for(teacher).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 tasks"
    assert client_for(other_teacher).get(url).status_code == 404
    assert client_for(teacher).get(f"/journal/lesson/{lesson.pk + 999}/file/").status_code == 404


def test_an_outage_is_logged_once_not_per_call(redis_down, client_for, teacher, assignment, parent, student, caplog):
    """One warning line per outage (there were ~115 lines of tracebacks per request), and a line when it ends."""
    from school84 import cache as tolerant

    tolerant.outage.since = None
    caplog.set_level("WARNING", logger="school84.cache")
    teacher_client = client_for(teacher)
    for _ in range(3):
        assert teacher_client.get(f"/journal/a/{assignment.pk}/").status_code == 200
        assert client_for(parent).get(f"/diary/{student.pk}/week/").status_code == 200
    lines = [r for r in caplog.records if r.name == "school84.cache"]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "Redis is unavailable" in lines[0].getMessage() and not lines[0].exc_info

    tolerant.outage.succeeded()  # the next call that works
    assert "Redis is back" in caplog.records[-1].getMessage()
    assert tolerant.outage.since is None
