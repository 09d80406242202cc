"""The database keeps a decided request as the director decided it (DESIGN.md: «what is applied is exactly what
was approved, frozen at approval»; «initiator, approver and applier are three different people»).

- ``audit_latechangeitem``: once its request is no longer «подано» (submitted), no entry of it is inserted,
  changed or deleted (nor is the table truncated, on PostgreSQL).
- ``audit_latechangerequest``: the state only moves forward (submitted → approved or rejected, approved →
  applied); after the decision the digest, the initiator and the director stay as they were; and the row
  never records the initiator as the one who decided or applied, nor the director as the one who applied.

The SQL exists for PostgreSQL and SQLite. Migration 0009 installs it; ``AuditConfig.ready`` registers it with
``journal.dbtriggers`` so that the test suite puts it back after a flush, as it does the append-only tables.
A request's row itself may still be deleted (a demo reset deletes requests before their entries): a deleted
approved request cannot be applied, and one forged in its place fails the digest its approval left in the
chained history.
"""

ITEM_MESSAGE = "audit_latechangeitem: изменения заявления после решения директора не меняются"
REQUEST_MESSAGE = (
    "audit_latechangerequest: решение по заявлению окончательное — состояние не возвращается, "
    "отпечаток разрешённых изменений, инициатор и директор не меняются"
)
DUTIES_MESSAGE = "audit_latechangerequest: инициатор, разрешивший и внёсший изменения — три разных человека"

_NOT_SUBMITTED = "(SELECT status FROM audit_latechangerequest WHERE id = {row}.request_id) <> 'submitted'"

#: A change of the request row that rewrites its decision (``OLD``/``NEW`` as in the trigger).
_DECISION_REWRITTEN = """
    (OLD.status <> 'submitted' AND (
        NEW.approved_digest <> OLD.approved_digest
        OR NEW.initiator_id <> OLD.initiator_id
        OR NEW.decided_by_id {is_distinct} OLD.decided_by_id
    ))
    OR (NEW.status <> OLD.status AND NOT (
        (OLD.status = 'submitted' AND NEW.status IN ('approved', 'rejected'))
        OR (OLD.status = 'approved' AND NEW.status = 'applied')
    ))
"""
#: A decision or an application by someone who may not make it.
_DUTIES_BROKEN = """
    NEW.status <> OLD.status AND (
        NEW.decided_by_id = NEW.initiator_id
        OR NEW.applied_by_id = NEW.initiator_id
        OR NEW.applied_by_id = NEW.decided_by_id
    )
"""


def _pg_refuse_unless_submitted(row: str, operations: tuple[str, ...]) -> str:
    """plpgsql: for ``operations``, refuse unless the request of ``row`` (``OLD`` or ``NEW``) is still submitted."""
    when = " OR ".join(f"TG_OP = '{operation}'" for operation in operations)
    return f"""IF {when} THEN
                SELECT status INTO state FROM audit_latechangerequest WHERE id = {row}.request_id FOR SHARE;
                IF state <> 'submitted' THEN
                    RAISE EXCEPTION '{ITEM_MESSAGE} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;"""


def _postgresql() -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION audit_latechangeitem_frozen() RETURNS trigger AS $$
        DECLARE
            state varchar;
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION '{ITEM_MESSAGE} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            -- FOR SHARE: a director deciding the request (SELECT ... FOR UPDATE) and a write to its entries
            -- wait for each other, so the digest of the decision covers exactly the committed entries.
            {_pg_refuse_unless_submitted("OLD", ("UPDATE", "DELETE"))}
            {_pg_refuse_unless_submitted("NEW", ("INSERT", "UPDATE"))}
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        "DROP TRIGGER IF EXISTS audit_latechangeitem_frozen ON audit_latechangeitem",
        """CREATE TRIGGER audit_latechangeitem_frozen BEFORE INSERT OR UPDATE OR DELETE ON audit_latechangeitem
           FOR EACH ROW EXECUTE FUNCTION audit_latechangeitem_frozen()""",
        "DROP TRIGGER IF EXISTS audit_latechangeitem_frozen_truncate ON audit_latechangeitem",
        """CREATE TRIGGER audit_latechangeitem_frozen_truncate BEFORE TRUNCATE ON audit_latechangeitem
           FOR EACH STATEMENT EXECUTE FUNCTION audit_latechangeitem_frozen()""",
        f"""
        CREATE OR REPLACE FUNCTION audit_latechangerequest_decided() RETURNS trigger AS $$
        BEGIN
            IF {_DECISION_REWRITTEN.format(is_distinct="IS DISTINCT FROM")} THEN
                RAISE EXCEPTION '{REQUEST_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF {_DUTIES_BROKEN} THEN
                RAISE EXCEPTION '{DUTIES_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        "DROP TRIGGER IF EXISTS audit_latechangerequest_decided ON audit_latechangerequest",
        """CREATE TRIGGER audit_latechangerequest_decided BEFORE UPDATE ON audit_latechangerequest
           FOR EACH ROW EXECUTE FUNCTION audit_latechangerequest_decided()""",
    ]


def _sqlite() -> list[str]:
    old, new = _NOT_SUBMITTED.format(row="OLD"), _NOT_SUBMITTED.format(row="NEW")
    return [
        f"""CREATE TRIGGER IF NOT EXISTS audit_latechangeitem_frozen_insert BEFORE INSERT ON audit_latechangeitem
            WHEN {new} BEGIN SELECT RAISE(ABORT, '{ITEM_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_latechangeitem_frozen_update BEFORE UPDATE ON audit_latechangeitem
            WHEN {old} OR {new} BEGIN SELECT RAISE(ABORT, '{ITEM_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_latechangeitem_frozen_delete BEFORE DELETE ON audit_latechangeitem
            WHEN {old} BEGIN SELECT RAISE(ABORT, '{ITEM_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_latechangerequest_decided BEFORE UPDATE ON audit_latechangerequest
            WHEN {_DECISION_REWRITTEN.format(is_distinct="IS NOT")}
            BEGIN SELECT RAISE(ABORT, '{REQUEST_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_latechangerequest_duties BEFORE UPDATE ON audit_latechangerequest
            WHEN {_DUTIES_BROKEN} BEGIN SELECT RAISE(ABORT, '{DUTIES_MESSAGE}'); END""",
    ]


def install_sql(vendor: str) -> list[str]:
    return _postgresql() if vendor == "postgresql" else _sqlite()


def remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS audit_latechangeitem_frozen ON audit_latechangeitem",
            "DROP TRIGGER IF EXISTS audit_latechangeitem_frozen_truncate ON audit_latechangeitem",
            "DROP TRIGGER IF EXISTS audit_latechangerequest_decided ON audit_latechangerequest",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "audit_latechangeitem_frozen_insert",
            "audit_latechangeitem_frozen_update",
            "audit_latechangeitem_frozen_delete",
            "audit_latechangerequest_decided",
            "audit_latechangerequest_duties",
        )
    ]
