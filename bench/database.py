"""The bench database around the schools: ids and COPY, the bulk tables' indexes, VACUUM, sizes, the dashboard's
history and which indexes the run used."""

from __future__ import annotations

import psycopg

#: Tables the generator fills in bulk; their secondary indexes are dropped while schools load.
BULK_TABLES = ["journal_mark", "journal_attendance", "diary_diaryvisit", "journal_lesson", "journal_plannedtopic"]


def reserve_ids(cur: psycopg.Cursor, table: str, count: int) -> int:
    """Reserve ``count`` ids of ``table`` from its identity sequence; returns the first.

    ``nextval`` then ``setval`` is not atomic: two loaders running side by side take a session advisory lock
    around it (sequences ignore transactions, so the block stays reserved whatever happens next).
    """
    if count <= 0:
        return 0
    cur.execute("SELECT pg_advisory_lock(8484)")
    try:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            (table, table, count),
        )
        last = cur.fetchone()[0]
    finally:
        cur.execute("SELECT pg_advisory_unlock(8484)")
    return last - count + 1


def copy_rows(cur: psycopg.Cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def drop_secondary_indexes(conn: psycopg.Connection, tables: list[str] = BULK_TABLES) -> list[str]:
    """Drop the indexes that back no constraint on ``tables``; returns the statements that recreate them."""
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            (tables,),
        )
        found = cur.fetchall()
        for name, _definition in found:
            cur.execute(f"DROP INDEX {name}")
    conn.commit()
    return [definition for _name, definition in found]


def create_indexes(conn: psycopg.Connection, statements: list[str]) -> None:
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for statement in statements:
            cur.execute(statement)
    conn.commit()


def vacuum_analyze(dsn: str) -> None:
    """Autovacuum may be off (it is on the bench machine): the planner needs statistics, index-only scans
    need the visibility map."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def table_sizes(conn: psycopg.Connection) -> dict[str, dict]:
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND c.relname IN ('journal_mark', 'journal_attendance', 'journal_lesson', 'journal_plannedtopic',
                                'diary_diaryvisit', 'journal_user', 'journal_student', 'journal_periodmark',
                                'audit_historyentry')
            ORDER BY pg_total_relation_size(c.oid) DESC
            """
        )
        return {name: {"rows": rows, "bytes": size, "index_bytes": idx} for name, rows, size, idx in cur.fetchall()}


def backfill_compliance_history(dsn: str, *, days: int = 63, log=print) -> int:
    """Give the dashboard the history a school has after ``days`` nights of checks.

    The checks store one day of results (criteria, classes, teachers' timeliness); the dashboard reads
    nine weeks of them for its trends. The bench runs the checks once and copies that day backwards with
    small changes, so the dashboard reads as many rows as it will in a real school after two months.
    Tables that do not exist (yet) are skipped.
    """
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT to_regclass('audit_criterionsnapshot'), to_regclass('audit_classsnapshot'), "
            "to_regclass('audit_teachertimeliness')"
        )
        if not all(cur.fetchone()):
            return 0
        inserted = 0
        cur.execute(
            """
            INSERT INTO audit_criterionsnapshot (school_id, day, criterion, count, total, computed_at)
            SELECT s.school_id, s.day - g, s.criterion,
                   GREATEST(0, LEAST(CASE WHEN s.total > 0 THEN s.total ELSE s.count + 3 END,
                                     s.count + (g * 7 + length(s.criterion)) %% 5 - 2)),
                   s.total, s.computed_at - make_interval(days => g)
            FROM audit_criterionsnapshot s
            CROSS JOIN generate_series(1, %(days)s) AS g
            WHERE s.day = (SELECT max(day) FROM audit_criterionsnapshot x WHERE x.school_id = s.school_id)
            ON CONFLICT DO NOTHING
            """,
            {"days": days},
        )
        inserted += cur.rowcount
        cur.execute(
            """
            INSERT INTO audit_classsnapshot (school_class_id, day, criterion, count, total)
            SELECT s.school_class_id, s.day - g, s.criterion,
                   GREATEST(0, LEAST(COALESCE(s.total, s.count + 3), s.count + (g * 3 + s.school_class_id) %% 5 - 2)),
                   s.total
            FROM audit_classsnapshot s
            CROSS JOIN generate_series(1, %(days)s) AS g
            WHERE s.day = (SELECT max(day) FROM audit_classsnapshot)
            ON CONFLICT DO NOTHING
            """,
            {"days": days},
        )
        inserted += cur.rowcount
        cur.execute(
            """
            INSERT INTO audit_teachertimeliness (school_id, teacher_id, day, marks_total, marks_late)
            SELECT t.school_id, t.teacher_id, t.day - g, GREATEST(0, t.marks_total - g * 40),
                   LEAST(t.marks_late, GREATEST(0, t.marks_total - g * 40))
            FROM audit_teachertimeliness t
            CROSS JOIN generate_series(1, %(days)s) AS g
            WHERE t.day = (SELECT max(day) FROM audit_teachertimeliness x WHERE x.school_id = t.school_id)
            ON CONFLICT DO NOTHING
            """,
            {"days": days},
        )
        inserted += cur.rowcount
        conn.commit()
        cur.execute("ANALYZE audit_criterionsnapshot")
        cur.execute("ANALYZE audit_classsnapshot")
        cur.execute("ANALYZE audit_teachertimeliness")
        conn.commit()
    log(f"  {days} days of check history for the dashboard: {inserted:,} rows")
    return inserted


def index_usage(conn: psycopg.Connection, tables: list[str] = BULK_TABLES) -> list[dict]:
    """Each index of the big tables: its size and how often the run's queries used it (``pg_stat_user_indexes``).

    The bulk load neither scans indexes nor checks foreign keys, so the scans counted are those of the pages,
    the saves, the checks and the PDFs of the run.
    """
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT s.relname, s.indexrelname, pg_relation_size(s.indexrelid), s.idx_scan,
                   pg_get_indexdef(s.indexrelid)
            FROM pg_stat_user_indexes s
            WHERE s.relname = ANY(%s)
            ORDER BY s.relname, pg_relation_size(s.indexrelid) DESC
            """,
            (tables,),
        )
        return [
            {"table": t, "index": i, "bytes": size, "scans": scans, "definition": d}
            for t, i, size, scans, d in cur.fetchall()
        ]
