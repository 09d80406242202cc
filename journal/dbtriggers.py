"""Database triggers that keep rules the ORM alone could be talked out of.

- Append-only tables (the journal history, the change table): UPDATE, DELETE and TRUNCATE are refused.
- A lesson's date must lie inside its class's academic year.
- Other guards the apps above the journal register (``register_guard``), e.g. раздел 4's frozen requests.

The SQL exists for PostgreSQL and SQLite. Migrations install it; ``seed_demo --reset`` and the test
suite's flush of transactional tests are the only code that ever removes it, and they put it back.
"""

from collections.abc import Callable

from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_MESSAGE = "{table}: таблица только дополняется, изменение и удаление строк запрещены"
LESSON_DATE_MESSAGE = "journal_lesson_date_in_year: дата урока вне учебного года класса"


def _pg_append_only(table: str) -> list[str]:
    message = APPEND_ONLY_MESSAGE.format(table=table)
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message} (%)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
        END
        $$ LANGUAGE plpgsql
        """,
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    ]


def _sqlite_append_only(table: str) -> list[str]:
    message = APPEND_ONLY_MESSAGE.format(table=table)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
    ]


def append_only_sql(vendor: str, table: str) -> list[str]:
    return _pg_append_only(table) if vendor == "postgresql" else _sqlite_append_only(table)


def drop_append_only_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]


_LESSON_YEAR_CHECK = """
    EXISTS (
        SELECT 1 FROM journal_teachingassignment a
        JOIN journal_schoolclass c ON c.id = a.school_class_id
        JOIN journal_academicyear y ON y.id = c.year_id
        WHERE a.id = NEW.assignment_id AND NEW.date >= y.start AND NEW.date <= y."end"
    )
"""


def lesson_date_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION journal_lesson_date_in_year() RETURNS trigger AS $$
            BEGIN
                IF NOT {_LESSON_YEAR_CHECK} THEN
                    RAISE EXCEPTION '{LESSON_DATE_MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """,
            "DROP TRIGGER IF EXISTS journal_lesson_date_in_year ON journal_lesson",
            """CREATE TRIGGER journal_lesson_date_in_year BEFORE INSERT OR UPDATE OF date, assignment_id
               ON journal_lesson FOR EACH ROW EXECUTE FUNCTION journal_lesson_date_in_year()""",
        ]
    return [
        f"""CREATE TRIGGER IF NOT EXISTS journal_lesson_date_in_year_insert BEFORE INSERT ON journal_lesson
            WHEN NOT {_LESSON_YEAR_CHECK}
            BEGIN SELECT RAISE(ABORT, '{LESSON_DATE_MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS journal_lesson_date_in_year_update
            BEFORE UPDATE OF date, assignment_id ON journal_lesson
            WHEN NOT {_LESSON_YEAR_CHECK}
            BEGIN SELECT RAISE(ABORT, '{LESSON_DATE_MESSAGE}'); END""",
    ]


def drop_lesson_date_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return ["DROP TRIGGER IF EXISTS journal_lesson_date_in_year ON journal_lesson"]
    return [
        "DROP TRIGGER IF EXISTS journal_lesson_date_in_year_insert",
        "DROP TRIGGER IF EXISTS journal_lesson_date_in_year_update",
    ]


GUARDIANSHIP_PAIR_MESSAGE = "journal_guardianship_pair_fixed: родитель и ребёнок заявления не меняются"


def guardianship_pair_sql(vendor: str) -> list[str]:
    """A guardianship's parent and child are fixed once it exists (issue 14: a changed child kept the old diary open)."""
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION journal_guardianship_pair_fixed() RETURNS trigger AS $$
            BEGIN
                IF NEW.parent_id <> OLD.parent_id OR NEW.student_id <> OLD.student_id THEN
                    RAISE EXCEPTION '{GUARDIANSHIP_PAIR_MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """,
            "DROP TRIGGER IF EXISTS journal_guardianship_pair_fixed ON journal_guardianship",
            """CREATE TRIGGER journal_guardianship_pair_fixed BEFORE UPDATE OF parent_id, student_id
               ON journal_guardianship FOR EACH ROW EXECUTE FUNCTION journal_guardianship_pair_fixed()""",
        ]
    return [
        f"""CREATE TRIGGER IF NOT EXISTS journal_guardianship_pair_fixed BEFORE UPDATE OF parent_id, student_id
            ON journal_guardianship
            WHEN NEW.parent_id <> OLD.parent_id OR NEW.student_id <> OLD.student_id
            BEGIN SELECT RAISE(ABORT, '{GUARDIANSHIP_PAIR_MESSAGE}'); END""",
    ]


def drop_guardianship_pair_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return ["DROP TRIGGER IF EXISTS journal_guardianship_pair_fixed ON journal_guardianship"]
    return ["DROP TRIGGER IF EXISTS journal_guardianship_pair_fixed"]


#: Tables that only ever grow: the journal's history, and those the apps above it register in their
#: ``AppConfig.ready`` (with a migration installing the trigger). ``ensure_reference_data`` puts back the
#: triggers of all of them after every ``migrate``.
APPEND_ONLY_TABLES = ["audit_historyentry", "journal_windowrevision"]


def register_append_only(table: str) -> None:
    """An app above the journal declares one of its tables append-only (e.g. the change table of раздел 4)."""
    if table not in APPEND_ONLY_TABLES:
        APPEND_ONLY_TABLES.append(table)


#: Triggers of the apps above the journal that are not plain append-only: name → (the SQL that installs them,
#: the SQL that drops them), each a function of the database vendor. Installed by their app's migration;
#: ``install_append_only``/``remove_append_only`` without ``tables`` put them back and take them away with the
#: append-only tables (after ``migrate``, around the test suite's flushes).
GUARDS: dict[str, tuple[Callable[[str], list[str]], Callable[[str], list[str]]]] = {}


def register_guard(name: str, *, install: Callable[[str], list[str]], remove: Callable[[str], list[str]]) -> None:
    """An app above the journal (in its ``AppConfig.ready``) declares triggers of its own."""
    GUARDS[name] = (install, remove)


def execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_append_only(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> None:
    """The append-only triggers of ``tables``; without ``tables``, of every registered table, and every guard."""
    for table in tables or APPEND_ONLY_TABLES:
        execute(connection, append_only_sql(connection.vendor, table))
    if tables is None:
        for install, _remove in GUARDS.values():
            execute(connection, install(connection.vendor))


def remove_append_only(connection: BaseDatabaseWrapper, tables: list[str] | None = None) -> None:
    """Drop the append-only triggers of ``tables``; without ``tables``, of every registered table, and every guard."""
    for table in tables or APPEND_ONLY_TABLES:
        execute(connection, drop_append_only_sql(connection.vendor, table))
    if tables is None:
        for _install, remove in GUARDS.values():
            execute(connection, remove(connection.vendor))
