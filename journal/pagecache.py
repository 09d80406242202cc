"""Rendered pages kept in the cache, and the versions that retire them.

The teacher's grid, a student's diary pages and the deputy's dashboard are read far more often than the journal changes (the grid
is reopened all day; tens of thousands of parents read the diary in the same evening hour, when nobody
writes). So the expensive part of those pages (the table, the week, the marks) is rendered once and kept in
the cache until something it shows changes. Access checks, the page frame and the diary visit are never
cached: they run on every request.

A page's key holds:
- the **version of its class**: every journal write stores a new one for the classes of the lessons and
  students it touched (``journal_written``, called by the services' ``journal_write`` as it closes: the
  history entries it wrote say which lessons and students changed);
- the **version of the school-wide data**: names, classes, groups, assignments, periods, bells, lessons
  added or deleted, edit windows and work types. Saving or deleting such a row stores a new one (signals
  connected in ``journal.apps``); bulk operations without signals call ``everything_changed``;
- **today's date**: the edit windows close at midnight school time, and the diary marks «сегодня».

A version is a random 64-bit number, so a version key that was evicted and created again never repeats an
old value (a clock would: two changes in the same tick, or a frozen clock in tests). A write stores the new
version twice: at once, inside its transaction, and again after the commit. The second store is what makes
the scheme safe: a reader that rendered from the database before the commit may have cached the old state
under the first version, never under the second. The first keeps the writer's own transaction consistent
where it never commits (a test's). The compliance dashboard has a version per school instead of per class,
stored by each run of the checks (``school_results_changed``).

Without a cache that answers (Redis down), nothing is cached and every page is rendered; without Redis at all
nothing is cached either (``PAGE_CACHE`` is off, see settings). Entries live at most ``PAGE_TTL``: a change
that escaped every signal shows within that time at worst.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

PAGE_TTL = 10 * 60
VERSION_TTL = 24 * 60 * 60
EVERYTHING = "pv:all"
BULK = 500  # ids in one write beyond which every page is retired


def _class_key(class_id: int) -> str:
    return f"pv:class:{class_id}"


def _new_version() -> str:
    return secrets.token_hex(8)


def _store(keys: list[str]) -> None:
    version = _new_version()
    cache.set_many(dict.fromkeys(keys, version), VERSION_TTL)


def _changed(keys: list[str]) -> None:
    if not keys:
        return
    _store(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _store(keys))


def classes_changed(class_ids) -> None:
    """Retire the cached pages of these classes (their grids and their students' diaries)."""
    _changed([_class_key(class_id) for class_id in sorted(set(class_ids))])


def everything_changed(**_signal_kwargs) -> None:
    """Retire every cached page (a school-wide row changed). Usable as a signal receiver."""
    _changed([EVERYTHING])


def journal_written(*, lesson_ids, student_ids) -> None:
    """After journal writes: retire the pages of the lessons' classes and of the students' classes (one query)."""
    lesson_ids = sorted({pk for pk in lesson_ids if pk is not None})
    student_ids = sorted({pk for pk in student_ids if pk is not None})
    if not lesson_ids and not student_ids:
        return
    if len(lesson_ids) + len(student_ids) > BULK:
        everything_changed()  # an import or a whole-school change: no need to find the classes
        return
    from .models import Lesson, Student

    lessons = Lesson.objects.filter(pk__in=lesson_ids).order_by().values_list("assignment__school_class_id")
    students = Student.objects.filter(pk__in=student_ids).order_by().values_list("school_class_id")
    classes = lessons.union(students) if lesson_ids and student_ids else (lessons if lesson_ids else students)
    classes_changed(class_id for (class_id,) in classes)


def page_key(kind: str, class_id: int, *parts) -> str | None:
    """The cache key of a page of ``class_id`` as of now, or ``None`` when the cache does not answer."""
    return _key(kind, [_class_key(class_id), EVERYTHING], parts)


def school_results_changed(school_id: int) -> None:
    """Retire the pages built on a school's stored compliance results (a run of the checks has stored new ones)."""
    _changed([_school_key(school_id)])


def school_page_key(kind: str, school_id: int, *parts) -> str | None:
    """The cache key of a page of a school's compliance results (the dashboard), or ``None``."""
    return _key(kind, [_school_key(school_id), EVERYTHING], parts)


def _school_key(school_id: int) -> str:
    return f"pv:school:{school_id}"


def _key(kind: str, keys: list[str], parts) -> str | None:
    if not settings.PAGE_CACHE:
        return None
    versions = cache.get_many(keys)
    missing = [key for key in keys if key not in versions]
    if missing:
        version = _new_version()
        for key in missing:
            cache.add(key, version, VERSION_TTL)
        versions.update(cache.get_many(missing))
        if any(key not in versions for key in keys):
            return None
    day = timezone.localdate().isoformat()
    detail = ":".join(str(part) for part in parts)
    return f"page:{kind}:{detail}:{versions[keys[0]]}:{versions[keys[1]]}:{day}"


def page_get(key: str | None) -> str | None:
    return cache.get(key) if key else None


def page_set(key: str | None, html: str) -> None:
    if key:
        cache.set(key, html, PAGE_TTL)
