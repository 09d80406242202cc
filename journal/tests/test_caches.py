"""The edit windows and work types are kept in each process's memory, tagged with a version in the database."""

from django.core.cache import cache

from journal import caches, pagecache
from journal.models import EditWindow, WorkType


def _another_process_changes(**fields) -> None:
    """A row changed by another process: the database and its version move, this process's memo does not."""
    EditWindow.objects.filter(entry=EditWindow.Entry.ATTENDANCE).update(**fields)  # no signal here
    pagecache.changed([pagecache.REFERENCE])


def _seconds_pass(seconds: float) -> None:
    caches._memo.checked_at -= seconds
    caches._memo.loaded_at -= seconds


def _attendance_days() -> int:
    return next(r.change_days for r in caches.edit_window_rules() if r.entry == EditWindow.Entry.ATTENDANCE)


def test_reads_after_the_first_cost_no_query(db, django_assert_num_queries):
    caches.work_types()
    caches.edit_window_rules()
    with django_assert_num_queries(0):
        for _ in range(5):
            assert caches.work_types()
            assert caches.edit_window_rules()
            assert caches.default_work_type().is_default


def test_a_change_in_this_process_applies_at_once(db):
    days = _attendance_days()
    rule = EditWindow.objects.get(entry=EditWindow.Entry.ATTENDANCE)
    rule.change_days = days + 3
    rule.save()  # the signal calls caches.clear()
    assert _attendance_days() == days + 3
    WorkType.objects.create(name="Зачёт по технике чтения", weight=1, color="#123456")
    assert "Зачёт по технике чтения" in {wt.name for wt in caches.work_types().values()}


def test_another_process_change_applies_within_the_check_interval(db):
    days = _attendance_days()
    _another_process_changes(change_days=days + 5)
    _seconds_pass(caches.CHECK_EVERY / 4)
    assert _attendance_days() == days  # not yet: the version is read at most every CHECK_EVERY seconds
    _seconds_pass(caches.CHECK_EVERY)
    assert _attendance_days() == days + 5


def test_the_version_does_not_depend_on_the_shared_cache(db):
    """Redis flushed, restarted or unreachable: the version is in the database, a change is still seen."""
    days = _attendance_days()
    cache.clear()
    _another_process_changes(change_days=days + 1)
    cache.clear()
    _seconds_pass(caches.CHECK_EVERY)
    assert _attendance_days() == days + 1


def test_the_version_check_is_one_query(db, django_assert_num_queries):
    caches.edit_window_rules()
    _seconds_pass(caches.CHECK_EVERY)
    with django_assert_num_queries(1):
        caches.edit_window_rules()


def test_without_a_shared_version_the_memo_still_expires(db, monkeypatch):
    """Whatever happens to the versions, another process's change shows at the latest ``TTL`` seconds later."""
    days = _attendance_days()
    EditWindow.objects.filter(entry=EditWindow.Entry.ATTENDANCE).update(change_days=days + 2)
    monkeypatch.setattr(caches, "_shared_version", lambda: caches._memo.version)  # the version never moves
    _seconds_pass(caches.TTL / 2)
    assert _attendance_days() == days
    _seconds_pass(caches.TTL)
    assert _attendance_days() == days + 2


def test_callers_cannot_change_the_shared_lists(db):
    caches.edit_window_rules().clear()
    caches.work_types().clear()
    assert caches.edit_window_rules() and caches.work_types()
