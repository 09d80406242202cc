"""Approval binds the exact entries: the digest and the history entry of the decision, the triggers that freeze
a decided request, and applying that refuses entries rewritten around them."""

import contextlib
import copy

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from audit.late_changes import dbtriggers, services
from audit.late_changes.models import ChangeTableRow, LateChangeItem, LateChangeRequest
from audit.late_changes.services.digest import ITEM_FIELDS, approval_digest
from demo.reset import wipe_demo
from journal import dbtriggers as journal_triggers
from journal.models import HistoryEntry, Mark
from journal.verify import verify_chain

from .conftest import apply_in_admin, change_mark, file_request, page_messages

Status = LateChangeRequest.Status


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextlib.contextmanager
def triggers_dropped():
    """What someone with DDL rights on the database would do first; put back afterwards."""
    journal_triggers.execute(connection, dbtriggers.remove_sql(connection.vendor))
    try:
        yield
    finally:
        journal_triggers.execute(connection, dbtriggers.install_sql(connection.vendor))


# --- The digest and the decision's history entry -------------------------------------------------------------------


def test_approval_stores_the_digest_and_records_the_decision(director, approved):
    assert approved.approved_digest == approval_digest(approved, list(approved.items.all()))
    assert len(approved.approved_digest) == 64
    entry = HistoryEntry.objects.get(kind="request")
    assert (entry.user, entry.action, entry.object_id, entry.reference) == (
        director,
        "update",
        approved.pk,
        approved.number,
    )
    assert entry.old == {"status": "submitted"}
    assert entry.new == {"status": "approved", "decided_by": director.pk, "digest": approved.approved_digest}
    assert list(verify_chain()) == []


def test_a_refusal_is_recorded_without_a_digest(director, teacher, mark):
    request = file_request(teacher, change_mark(mark))
    services.late_change_decide(request_id=request.pk, by=director, approve=False, comment="Справка не о том")
    request.refresh_from_db()
    assert request.approved_digest == ""
    entry = HistoryEntry.objects.get(kind="request")
    assert (entry.old, entry.new) == ({"status": "submitted"}, {"status": "rejected", "decided_by": director.pk})


@pytest.mark.parametrize("name", ITEM_FIELDS)
def test_the_digest_covers_everything_applying_uses(approved, name):
    (item,) = approved.items.all()
    before = approval_digest(approved, [item])
    value = getattr(item, name)
    if isinstance(value, dict):
        changed = {**value, "value": 2}
    elif isinstance(value, int):
        changed = value + 1
    else:
        changed = f"{value or ''}!"
    rewritten = copy.copy(item)
    setattr(rewritten, name, changed)
    assert approval_digest(approved, [rewritten]) != before


@pytest.mark.parametrize("name", ["number", "school_class_id", "period_id", "initiator_id", "reason"])
def test_the_digest_covers_the_request_fields_applying_relies_on(approved, name):
    items = list(approved.items.all())
    before = approval_digest(approved, items)
    value = getattr(approved, name)
    setattr(approved, name, value + 1 if isinstance(value, int) else f"{value}!")
    assert approval_digest(approved, items) != before


# --- The triggers ---------------------------------------------------------------------------------------------------


FROZEN_ITEM = "изменения заявления после решения директора не меняются"


@pytest.fixture(params=["approved", "rejected", "applied"])
def decided(request, director, sysadmin, teacher, mark):
    late_request = file_request(teacher, change_mark(mark))
    services.late_change_decide(
        request_id=late_request.pk, by=director, approve=request.param != "rejected", comment="Резолюция"
    )
    if request.param == "applied":
        services.late_change_apply(request_id=late_request.pk, by=sysadmin)
    late_request.refresh_from_db()
    assert late_request.status == request.param
    return late_request


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_latechangeitem SET new_value = '2', new_display = '2' WHERE request_id = %s",
        "UPDATE audit_latechangeitem SET comment = 'исправлено' WHERE request_id = %s",
        "DELETE FROM audit_latechangeitem WHERE request_id = %s",
    ],
)
def test_the_entries_of_a_decided_request_cannot_be_changed_or_deleted(decided, statement):
    before = list(decided.items.values())
    with pytest.raises(IntegrityError, match=FROZEN_ITEM), transaction.atomic():
        sql(statement, decided.pk)
    assert list(decided.items.values()) == before


def test_no_entry_is_added_to_a_decided_request(decided, teacher):
    (item,) = decided.items.all()
    item.pk, item.position, item.new_value = None, 2, "2"
    with pytest.raises(IntegrityError, match=FROZEN_ITEM), transaction.atomic():
        item.save()
    other = file_request(teacher, change_mark(Mark.objects.get(), value="3"))
    with pytest.raises(IntegrityError, match=FROZEN_ITEM), transaction.atomic():
        LateChangeItem.objects.filter(request=other).update(request=decided)  # moved into the decided one
    assert decided.items.count() == 1


def test_a_submitted_request_is_not_frozen(teacher, mark):
    request = file_request(teacher, change_mark(mark))
    sql("UPDATE audit_latechangeitem SET comment = 'уточнено' WHERE request_id = %s", request.pk)
    assert request.items.get().comment == "уточнено"


FROZEN_REQUEST = "решение по заявлению окончательное"


@pytest.mark.parametrize(
    "change",
    [
        "status = 'submitted'",
        "approved_digest = '0000000000000000000000000000000000000000000000000000000000000000'",
        "initiator_id = decided_by_id",
        "decided_by_id = initiator_id",
    ],
)
def test_a_decided_request_keeps_its_decision(decided, change):
    with pytest.raises(IntegrityError, match=FROZEN_REQUEST), transaction.atomic():
        sql(f"UPDATE audit_latechangerequest SET {change} WHERE id = %s", decided.pk)
    before = decided.approved_digest, decided.status
    decided.refresh_from_db()
    assert (decided.approved_digest, decided.status) == before


@pytest.mark.parametrize(
    "decided, status",
    [
        ("approved", "rejected"),
        ("rejected", "approved"),
        ("rejected", "applied"),
        ("applied", "approved"),
        ("applied", "rejected"),
    ],
    indirect=["decided"],
)
def test_a_decision_only_moves_forward(decided, status):
    with pytest.raises(IntegrityError, match=FROZEN_REQUEST), transaction.atomic():
        sql("UPDATE audit_latechangerequest SET status = %s WHERE id = %s", status, decided.pk)


# --- Applying what was approved, and nothing else ------------------------------------------------------------------


def test_applying_refuses_entries_rewritten_around_the_triggers(
    client_for, staff_permissions, sysadmin, approved, mark
):
    with triggers_dropped():
        sql(
            "UPDATE audit_latechangeitem SET new_value = '2', new_display = '2 (Ответ на уроке)' WHERE request_id = %s",
            approved.pk,
        )
    history = HistoryEntry.objects.count()

    (message,) = page_messages(apply_in_admin(client_for(sysadmin), approved))
    assert message.startswith(f"Заявление № {approved.number} не применено, журнал не изменён")
    assert "не совпадают с разрешёнными директором" in message
    assert Mark.objects.get(pk=mark.pk).value == 5
    assert not ChangeTableRow.objects.exists()
    assert HistoryEntry.objects.count() == history
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_a_digest_rewritten_with_the_entries_still_fails_the_history(sysadmin, approved, mark):
    with triggers_dropped():
        sql("UPDATE audit_latechangeitem SET new_value = '2' WHERE request_id = %s", approved.pk)
        forged = approval_digest(approved, list(LateChangeItem.objects.filter(request=approved)))
        sql("UPDATE audit_latechangerequest SET approved_digest = %s WHERE id = %s", forged, approved.pk)
    with pytest.raises(ValidationError, match="не совпадают с разрешёнными") as error:
        services.late_change_apply(request_id=approved.pk, by=sysadmin)
    assert error.value.code == "tampered"
    assert Mark.objects.get(pk=mark.pk).value == 5


def test_a_request_decided_around_the_service_is_not_applied(sysadmin, director, teacher, mark):
    """Approved by an UPDATE with a well-computed digest, but with no decision in the chained history."""
    request = file_request(teacher, change_mark(mark))
    digest = approval_digest(request, list(request.items.all()))
    sql(
        "UPDATE audit_latechangerequest SET status = 'approved', decided_by_id = %s, decided_at = registered_at, "
        "approved_digest = %s WHERE id = %s",
        director.pk,
        digest,
        request.pk,
    )
    with pytest.raises(ValidationError, match="не совпадают с разрешёнными"):
        services.late_change_apply(request_id=request.pk, by=sysadmin)
    assert Mark.objects.get(pk=mark.pk).value == 5


# --- What removes requests still can -----------------------------------------------------------------------------


def test_a_demo_reset_removes_decided_requests(sysadmin, director, teacher, mark, lesson, student, approved):
    services.late_change_apply(request_id=approved.pk, by=sysadmin)
    second = file_request(teacher, change_mark(mark, value="3"))
    services.late_change_decide(request_id=second.pk, by=director, approve=True)
    with transaction.atomic():
        wipe_demo()
    assert not LateChangeRequest.objects.exists()
    assert not LateChangeItem.objects.exists()


def test_a_flush_after_a_transactional_test_removes_decided_requests(transactional_db, sysadmin, approved):
    """The flush that follows this test must get past the triggers (``journal.dbtriggers.GUARDS``)."""
    services.late_change_apply(request_id=approved.pk, by=sysadmin)
    assert LateChangeItem.objects.filter(request=approved).exists()


# --- verify_journal sees it too ------------------------------------------------------------------------------------


def test_verify_journal_names_a_request_whose_items_were_rewritten(approved):
    from journal.verify import verify_journal

    assert not [p for p in verify_journal() if "заявление" in str(p)]
    with triggers_dropped():
        sql("UPDATE audit_latechangeitem SET new_value = '2' WHERE request_id = %s", approved.pk)
    assert any(f"заявление № {approved.number}: его записи" in str(p) for p in verify_journal())
    with triggers_dropped():
        forged = approval_digest(approved, list(LateChangeItem.objects.filter(request=approved)))
        sql("UPDATE audit_latechangerequest SET approved_digest = %s WHERE id = %s", forged, approved.pk)
    assert any("решение директора не совпадает" in str(p) for p in verify_journal())
