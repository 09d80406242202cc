"""Rendered pages kept in the cache, and the versions that retire them — versions kept in the database.

The teacher's grid, a student's diary pages and the deputy's dashboard are read far more often than the
journal changes (the grid is reopened all day; tens of thousands of parents read the diary in the same evening
hour, when nobody writes). So the expensive part of those pages (the table, the week, the marks) is rendered
once and kept in the cache until something it shows changes. Access checks, the page frame and the diary visit
are never cached: they run on every request.

A page's key holds the versions of what it shows, read from the database (``PageVersion``) by one query:

- the **version of its class**: every journal write inserts a new one for the classes of the lessons and
  students it touched (``journal_written``, called by the services' ``journal_write`` as it closes);
- the **version of the school-wide data** (``all``): names, classes, groups, assignments, periods, bells,
  lessons added or deleted, edit windows and work types. Saving or deleting such a row inserts a new one
  (signals connected in ``journal.apps``); bulk operations without signals call ``everything_changed``;
- for the compliance dashboard, the **version of its school**, inserted by each run of the checks;
- **today's date**: the edit windows close at midnight school time, and the diary marks «сегодня».

Correct by construction: a version is inserted in the same transaction as the write it stands for, so it
becomes visible to every process exactly when the write commits. A reader reads the versions first and the
journal after, so what it renders is never older than the versions in its key. No process can serve a page
older than the data it shows — whether or not the writer could reach Redis (issue 21: a writer cut off from
Redis once left the others serving the old grid for ten minutes).

Without a cache that answers (Redis down), nothing is kept and every page is rendered; without Redis at all
nothing is cached either (``PAGE_CACHE`` is off, see settings). Entries live at most ``PAGE_TTL``, which bounds
a change made around the application (raw SQL, ``bulk_create`` in a shell).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import PageVersion

PAGE_TTL = 10 * 60
EVERYTHING = "all"
REFERENCE = "reference"
BULK = 500  # ids in one write beyond which every page is retired


def _class_scope(class_id: int) -> str:
    return f"class:{class_id}"


def _school_scope(school_id: int) -> str:
    return f"school:{school_id}"


def changed(scopes: Iterable[str]) -> None:
    """New versions of ``scopes``, in the current transaction (one INSERT)."""
    rows = [PageVersion(scope=scope) for scope in sorted(set(scopes))]
    if rows:
        PageVersion.objects.bulk_create(rows)


def versions(scopes: list[str]) -> list[int]:
    """The current version of each scope (0 for one never changed): one query, an index lookup per scope."""
    table = PageVersion._meta.db_table
    one = f"(SELECT MAX(id) FROM {table} WHERE scope = %s)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([one] * len(scopes)), scopes)
        return [version or 0 for version in cursor.fetchone()]


def prune() -> int:
    """Delete the superseded versions (all but each scope's last): the nightly clean-up. Returns the rows."""
    table = PageVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id < (SELECT MAX(p.id) FROM {table} p WHERE p.scope = {table}.scope)"
        )
        return cursor.rowcount


def classes_changed(class_ids) -> None:
    """Retire the cached pages of these classes (their grids and their students' diaries)."""
    changed(_class_scope(class_id) for class_id in class_ids)


def everything_changed(**_signal_kwargs) -> None:
    """Retire every cached page (a school-wide row changed). Usable as a signal receiver."""
    changed([EVERYTHING])


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


def school_results_changed(school_id: int) -> None:
    """Retire the pages built on a school's stored compliance results (a run of the checks has stored new ones)."""
    changed([_school_scope(school_id)])


def page_key(kind: str, class_id: int, *parts) -> str | None:
    """The cache key of a page of ``class_id`` as of now, or ``None`` when pages are not cached."""
    return _key(kind, [_class_scope(class_id), EVERYTHING], parts)


def school_page_key(kind: str, school_id: int, *parts) -> str | None:
    """The cache key of a page of a school's compliance results (the dashboard), or ``None``."""
    return _key(kind, [_school_scope(school_id), EVERYTHING], parts)


def _key(kind: str, scopes: list[str], parts) -> str | None:
    if not settings.PAGE_CACHE:
        return None
    own, everything = versions(scopes)
    day = timezone.localdate().isoformat()
    detail = ":".join(str(part) for part in parts)
    return f"page:{kind}:{detail}:{own}:{everything}:{day}"


def page_get(key: str | None) -> str | None:
    return cache.get(key) if key else None


def page_set(key: str | None, html: str) -> None:
    if key:
        cache.set(key, html, PAGE_TTL)
