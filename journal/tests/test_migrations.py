"""The ledger's move from ``audit`` to ``journal`` (journal 0006, audit 0007) is state only.

A database built with the old layout — the edit windows and the history as ``audit`` models — migrates
forward with every row where it was: the history chain verifies, the journal agrees with it, and the
permissions the roles held on the moved models are still theirs.
"""

import datetime
import decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from journal.history import GENESIS_HASH
from journal.models import EditWindow, HistoryEntry, HistoryHead, Mark
from journal.verify import head_position, verify_journal

BEFORE = [("journal", "0005_drop_unused_indexes"), ("audit", "0006_compliance")]
MSK = ZoneInfo("Europe/Moscow")
AT = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=MSK)


def entry_count_until(entry: HistoryEntry) -> int:
    return HistoryEntry.objects.filter(pk__lte=entry.pk).count()


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _chained(apps, previous: str, **fields):
    """An entry as the old code wrote it: the hash computed over the same canonical payload."""
    entry = apps.get_model("audit", "HistoryEntry")(prev_hash=previous, **fields)
    entry.hash = HistoryEntry(prev_hash=previous, **fields).compute_hash()
    entry.save()
    return entry


def _build_with_the_old_layout(apps) -> dict:
    """A school, a lesson, a mark with its history and the deputy's right on the edit windows — old models."""
    User = apps.get_model("journal", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    teacher = User.objects.create(username="old_teacher", surname="Иванова", name="Анна")
    school = apps.get_model("journal", "School").objects.create(name="МАОУ СОШ № 84", short_name="СОШ № 84")
    year = apps.get_model("journal", "AcademicYear").objects.create(
        start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31), marks_deadline=datetime.date(2027, 5, 28)
    )
    school_class = apps.get_model("journal", "SchoolClass").objects.create(
        school=school, year=year, grade=5, letter="А"
    )
    subject = apps.get_model("journal", "Subject").objects.create(name="Математика")
    student_user = User.objects.create(username="old_student", surname="Лебедева", name="Мария")
    student = apps.get_model("journal", "Student").objects.create(user=student_user, school_class=school_class)
    assignment = apps.get_model("journal", "TeachingAssignment").objects.create(
        teacher=teacher, school_class=school_class, subject=subject
    )
    lesson = apps.get_model("journal", "Lesson").objects.create(assignment=assignment, date=AT.date(), number=1)
    work_type = apps.get_model("journal", "WorkType").objects.get(is_default=True)
    mark = apps.get_model("journal", "Mark").objects.create(
        lesson=lesson,
        student=student,
        value=5,
        work_type=work_type,
        weight=decimal.Decimal("1.0"),
        entered_by=teacher,
        entered_at=AT,
        changed_by=teacher,
        changed_at=AT,
    )
    HeadModel = apps.get_model("audit", "HistoryHead")
    head = HeadModel.objects.filter(id=1).first() or HeadModel.objects.create(id=1, last_hash=GENESIS_HASH)
    state = {"value": 5, "passed": None, "work_type": work_type.pk, "weight": "1.0", "comment": ""}
    entry = _chained(
        apps,
        head.last_hash,
        at=AT,
        user_id=teacher.pk,
        source="grid",
        reference="",
        kind="mark",
        action="create",
        object_id=mark.pk,
        lesson_id=lesson.pk,
        student_id=student.pk,
        old=None,
        new=state,
    )
    HeadModel.objects.filter(id=1).update(last_hash=entry.hash)

    deputies, _ = Group.objects.get_or_create(name="Заместитель директора")
    old_type = ContentType.objects.get(app_label="audit", model="editwindow")
    deputies.permissions.add(Permission.objects.get(content_type=old_type, codename="change_editwindow"))
    windows = apps.get_model("audit", "EditWindow").objects.count()
    return {"mark": mark.pk, "entry": entry.pk, "head": entry.hash, "windows": windows}


@pytest.mark.slow
def test_a_database_of_the_old_layout_moves_forward_with_every_row(transactional_db):
    leaves = _leaves()
    try:
        executor = _migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        built = _build_with_the_old_layout(old_apps)
        # As a sysadmin upgrades: ``migrate`` moves the schema and then (post_migrate) records the history's
        # baseline of the rows it had no entries for (the lesson, the rules, the users' rights).
        call_command("migrate", verbosity=0)
    finally:
        _migrate(leaves)  # whatever happened, the next tests get the current schema

    # The same rows, now the journal's: the entry, the head, the edit windows.
    entry = HistoryEntry.objects.get(pk=built["entry"])
    assert entry.object_id == built["mark"]
    assert entry.hash == built["head"]
    # The old head is in the chain, and the baseline entries continue it.
    found, after = head_position(built["head"])
    assert found == entry and after == HistoryHead.objects.get(id=1).entries - entry_count_until(entry) > 0
    assert HistoryEntry.objects.filter(pk__gt=entry.pk).order_by("id").first().prev_hash == built["head"]
    assert EditWindow.objects.count() == built["windows"] > 0
    assert Mark.objects.filter(pk=built["mark"]).exists()
    # The chain and the journal agree with each other after the move, the lesson recorded as it stood.
    assert verify_journal() == []
    baseline = HistoryEntry.objects.get(kind=HistoryEntry.Kind.LESSON, source=HistoryEntry.Source.BASELINE)
    assert baseline.new["date"] == AT.date().isoformat()
    # The deputy's right on the edit windows moved with the model.
    from django.contrib.auth.models import Group

    deputies = Group.objects.get(name="Заместитель директора")
    assert deputies.permissions.filter(content_type__app_label="journal", codename="change_editwindow").exists()
    assert not deputies.permissions.filter(content_type__app_label="audit").filter(codename__endswith="editwindow")
