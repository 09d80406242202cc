"""Migration 0009 on a database that already has decided requests: each gets its digest, an approved one not yet
applied gets its baseline entry in the chained history, and the sysadmin then applies it as before."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.late_changes import services
from audit.late_changes.models import LateChangeRequest
from audit.late_changes.services.digest import approval_digest
from journal.models import HistoryEntry, Mark

from .conftest import change_mark, file_request

BEFORE = [("audit", "0008_drop_change_row_student_index")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    """The audit app's newest migration (0009 or whatever comes after it): where the suite's database stands."""
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "audit"]


def test_decided_requests_get_their_digest_and_stay_applicable(transactional_db, teacher, director, sysadmin, mark):
    request = file_request(teacher, change_mark(mark))
    migrate(BEFORE)
    try:
        # Decided the old way: no digest, no decision in the history.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_latechangerequest SET status = 'approved', decided_by_id = %s, "
                "decided_at = registered_at WHERE id = %s",
                [director.pk, request.pk],
            )
    finally:
        migrate(latest())

    request = LateChangeRequest.objects.get(pk=request.pk)
    assert request.approved_digest == approval_digest(request, list(request.items.all()))
    entry = HistoryEntry.objects.get(kind="request", object_id=request.pk)
    assert (entry.source, entry.user, entry.reference) == ("baseline", None, request.number)
    assert entry.new == {"status": "approved", "digest": request.approved_digest, "decided_by": director.pk}
    services.late_change_apply(request_id=request.pk, by=sysadmin)
    assert Mark.objects.get(pk=mark.pk).value == 4
