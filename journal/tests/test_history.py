"""The history chain: each entry's hash covers its content and the previous hash; the head follows the chain."""

import datetime
import threading

from django.db import connection, transaction

from journal.history import GENESIS_HASH, history_record, history_record_many
from journal.models import HistoryEntry, HistoryHead
from journal.tests import factories as f
from journal.tests.factories import journal_entries


def _head() -> str:
    head = HistoryHead.objects.filter(id=1).first()
    return head.last_hash if head else GENESIS_HASH


def _record(user, **fields) -> HistoryEntry:
    values = {
        "user": user,
        "source": HistoryEntry.Source.GRID,
        "kind": HistoryEntry.Kind.MARK,
        "action": HistoryEntry.Action.CREATE,
        "object_id": 10,
        "lesson_id": 20,
        "student_id": 30,
        "old": None,
        "new": {"value": 5, "weight": "1.0", "comment": "ответ у доски"},
    }
    return history_record(**(values | fields))


def test_history_record_chains_entries_and_moves_the_head(db):
    user = f.UserFactory()
    before = _head()
    with transaction.atomic():
        first = _record(user)
        second = _record(
            user,
            action=HistoryEntry.Action.UPDATE,
            old={"value": 5},
            new={"value": 4},
            reference="№ 3-2026/27",
        )

    assert first.prev_hash == before
    assert second.prev_hash == first.hash
    assert second.hash != first.hash
    assert HistoryHead.objects.get(id=1).last_hash == second.hash
    # The hash survives the round trip through the database: verify_journal recomputes it from stored rows.
    for entry in (first, second):
        stored = HistoryEntry.objects.get(pk=entry.pk)
        assert stored.compute_hash() == entry.hash
        assert stored.hash == entry.hash
    assert HistoryEntry.objects.get(pk=second.pk).reference == "№ 3-2026/27"


def test_the_hash_covers_the_content(db):
    with transaction.atomic():
        entry = _record(None)
    forged = HistoryEntry.objects.get(pk=entry.pk)
    forged.new = {"value": 2}
    assert forged.compute_hash() != entry.hash
    forged = HistoryEntry.objects.get(pk=entry.pk)
    forged.prev_hash = GENESIS_HASH.replace("0", "1")
    assert forged.compute_hash() != entry.hash


def _outside_any_transaction(function) -> BaseException | None:
    """Run ``function`` on a fresh database connection (another thread), outside any transaction.

    The test's own connection is inside the test's transaction; a transactional test would do, but its
    flush afterwards empties the tables the data migrations filled for every later test.
    """
    raised = []

    def run():
        try:
            function()
        except BaseException as error:
            raised.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return raised[0] if raised else None


def test_history_record_refuses_to_run_outside_a_transaction(db):
    error = _outside_any_transaction(lambda: _record(None))
    assert isinstance(error, RuntimeError)
    assert not journal_entries().exists()


def test_history_record_many_refuses_to_run_outside_a_transaction(db):
    entry = HistoryEntry(at=datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC))
    error = _outside_any_transaction(lambda: history_record_many([entry]))
    assert isinstance(error, RuntimeError)
    assert not journal_entries().exists()


def test_inside_a_transaction_the_same_call_works(db):
    assert _outside_any_transaction(lambda: None) is None
    with transaction.atomic():
        assert _record(None).pk is not None


def test_history_record_many_continues_the_chain(db):
    user = f.UserFactory()
    with transaction.atomic():
        single = _record(user)
    at = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    batch = [
        HistoryEntry(
            at=at + datetime.timedelta(seconds=n),
            user_id=user.pk,
            source=HistoryEntry.Source.SEED,
            kind=HistoryEntry.Kind.ATTENDANCE,
            action=HistoryEntry.Action.CREATE,
            object_id=100 + n,
            lesson_id=20,
            student_id=n,
            new={"code": "Н"},
        )
        for n in range(5)
    ]
    with transaction.atomic():
        count = history_record_many(batch, batch_size=2)

    assert count == 5
    stored = list(HistoryEntry.objects.filter(pk__gt=single.pk).order_by("id"))
    assert [entry.object_id for entry in stored] == [100, 101, 102, 103, 104]
    previous = single.hash
    for entry in stored:
        assert entry.prev_hash == previous
        assert entry.compute_hash() == entry.hash
        previous = entry.hash
    assert HistoryHead.objects.get(id=1).last_hash == stored[-1].hash
