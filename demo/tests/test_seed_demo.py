"""``manage.py seed_demo``: the demo school, its accounts, its deliberate gaps, idempotence and ``--reset``.

Most tests build the small school (``--small``: 5А, 10А, 2А, 8А) up to Saturday 28.11.2026; one slow test
builds the full-size school and checks the numbers DESIGN.md promises.
"""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory
from django.test.utils import override_settings

from demo.accounts import DEMO_USERNAMES
from demo.build import DEMO_PASSWORD
from demo.plan import DEMO_YEAR, LATE_DAYS, MSK, school_year
from demo.reset import wipe_demo
from diary.models import DiaryVisit
from journal.history import GENESIS_HASH
from journal.models import (
    Attendance,
    CredentialReceipt,
    Guardianship,
    HistoryEntry,
    HistoryHead,
    Holiday,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    StudentUserObjectPermission,
    StudyPeriod,
    Teacher,
    TeachingAssignment,
    TimetableSlot,
    User,
)
from journal.verify import verify_journal

TODAY = datetime.date(2026, 11, 28)
COUNTED = [
    School,
    SchoolClass,
    User,
    Teacher,
    Student,
    Guardianship,
    StudentUserObjectPermission,
    CredentialReceipt,
    StudentGroup,
    TeachingAssignment,
    TimetableSlot,
    PlannedTopic,
    Lesson,
    Mark,
    Attendance,
    PeriodMark,
    HistoryEntry,
    DiaryVisit,
]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def debug(settings):
    """pytest-django runs tests with DEBUG off; the demo is built only with DEBUG on."""
    settings.DEBUG = True


@pytest.fixture(scope="module")
def built_small_school(django_db_setup, django_db_blocker):
    """The small school, built once for the module (a build takes seconds) and removed after it.

    Each test still runs in its own rolled-back transaction (``db``), so a test may change or even rebuild
    the school without disturbing the next one.
    """
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        output = seed("--small")
    yield output
    with django_db_blocker.unblock(), transaction.atomic():
        wipe_demo()


@pytest.fixture
def small_school(built_small_school, db, debug):
    return built_small_school


def _diary_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="journal", codename="view_diary")


def test_small_school_people_and_relationships(small_school):
    classes = list(SchoolClass.objects.annotate(n=Count("students")).select_related("class_teacher"))
    assert sorted(str(c) for c in classes) == ["10А", "2А", "5А", "8А"]
    for school_class in classes:
        assert 25 <= school_class.n <= 29
        assert school_class.class_teacher.has_role(Role.CLASS_TEACHER)
        assert school_class.class_teacher.has_role(Role.TEACHER)
    school = School.objects.get()
    assert school.missing_fields() == []
    assert "Краснодар" in school.address
    assert Student.objects.filter(user__groups__name=Role.STUDENT).count() == Student.objects.count()
    # Siblings share the family's surname (in its female form for girls) and the father's patronymic.
    with_two = User.objects.annotate(n=Count("guardianships")).filter(n__gte=2)
    assert with_two.exists()
    for parent in with_two:
        children = [g.student.user for g in parent.guardianships.select_related("student__user")]
        stems = {child.surname.removesuffix("а") for child in children}
        assert len(stems) == 1, [c.full_name for c in children]
        assert len({child.patronymic.removesuffix("ич").removesuffix("на")[:4] for child in children}) == 1
        assert len({g.student.school_class_id for g in parent.guardianships.all()}) == len(children)
    # English is taught in two groups in 5А and 8А, each group with its own teacher.
    for group in StudentGroup.objects.all():
        assert group.students.count() >= 12
    split = TeachingAssignment.objects.filter(group__isnull=False)
    assert split.count() == 4
    assert len({(a.school_class_id, a.teacher_id) for a in split}) == 4


def test_every_active_guardianship_and_every_student_has_the_diary_permission(small_school):
    permission = _diary_permission()
    granted = set(
        StudentUserObjectPermission.objects.filter(permission=permission).values_list("user_id", "content_object_id")
    )
    active = set(Guardianship.objects.active().values_list("parent_id", "student_id"))
    own = set(Student.objects.values_list("user_id", "pk"))
    assert granted == active | own
    statuses = set(Guardianship.objects.values_list("status", flat=True))
    assert statuses == {"active", "applied", "ended"}
    for guardianship in Guardianship.objects.exclude(status="active"):
        assert (guardianship.parent_id, guardianship.student_id) not in granted
    for guardianship in Guardianship.objects.active():
        assert guardianship.application_number and guardianship.application_date and guardianship.decided_at
    ended = Guardianship.objects.get(status="ended")
    assert ended.ended_at and ended.end_reason


def test_history_has_one_entry_per_journal_write_and_the_verifier_agrees(small_school):
    lessons = Lesson.objects.all()
    expected = (
        Mark.objects.count()
        + Attendance.objects.count()
        + lessons.exclude(topic="").count()
        + lessons.exclude(homework="").count()
        + PeriodMark.objects.count()
    )
    journal_kinds = ["mark", "attendance", "topic", "homework", "period_mark"]
    assert HistoryEntry.objects.filter(kind__in=journal_kinds).count() == expected
    # And every lesson, guardianship and rule row as it was built (verify_journal compares them too).
    assert HistoryEntry.objects.filter(kind="lesson").count() == lessons.count()
    assert HistoryEntry.objects.filter(kind="guardianship").count() == Guardianship.objects.count()
    assert HistoryEntry.objects.filter(kind="period").count() == StudyPeriod.objects.count()
    assert set(HistoryEntry.objects.values_list("source", flat=True)) <= {
        HistoryEntry.Source.SEED,
        HistoryEntry.Source.BASELINE,
    }
    assert verify_journal() == []
    # Each mark's entry is its teacher's, at the time the mark was entered.
    mark = Mark.objects.select_related("lesson__assignment").first()
    entry = HistoryEntry.objects.get(kind="mark", object_id=mark.pk)
    assert (entry.user_id, entry.at) == (mark.lesson.assignment.teacher_id, mark.entered_at)
    assert mark.entered_by_id == mark.lesson.assignment.teacher_id
    assert HistoryHead.objects.get().last_hash == HistoryEntry.objects.order_by("-id").first().hash


def test_lessons_follow_the_timetable_on_school_days_only(small_school):
    holidays = list(Holiday.objects.all())
    assert {h.name for h in holidays} >= {name for name, *_ in school_year(DEMO_YEAR).holidays}
    dates = set(Lesson.objects.values_list("date", flat=True))
    assert min(dates) == datetime.date(2026, 9, 1)
    assert max(dates) <= TODAY
    for day in dates:
        assert day.isoweekday() <= 5
        assert not any(h.start <= day <= h.end for h in holidays), day
    # Nobody teaches two classes at once, in any period's timetable.
    clashes = (
        TimetableSlot.objects.values("period", "assignment__teacher", "weekday", "number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not clashes.exists()
    # Quarters for grades 1–9, halves for 10–11, and the year.
    kinds = set(StudyPeriod.objects.values_list("kind", "number"))
    assert kinds == {
        ("quarter", 1),
        ("quarter", 2),
        ("quarter", 3),
        ("quarter", 4),
        ("half", 1),
        ("half", 2),
        ("year", 1),
    }
    ten = SchoolClass.objects.get(grade=10)
    assert set(TimetableSlot.objects.filter(assignment__school_class=ten).values_list("period__kind", flat=True)) == {
        "half"
    }
    # Lessons take their topics from the КТП in order.
    lesson = Lesson.objects.filter(planned_topic__isnull=False).select_related("planned_topic").first()
    assert lesson.topic == lesson.planned_topic.title
    assert set(Mark.objects.values_list("value", flat=True)) == {2, 3, 4, 5}
    # Period marks for the first quarter (grades 2–9) only; the halves are not over yet.
    assert set(PeriodMark.objects.values_list("period__kind", "period__number").distinct()) == {("quarter", 1)}
    assert not PeriodMark.objects.filter(student__school_class__grade__in=[1, 10, 11]).exists()


def test_demo_accounts_exist_and_log_in(small_school):
    for login in DEMO_USERNAMES:
        assert login in small_school
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
        user = authenticate(request, username=login, password=DEMO_PASSWORD)
        assert user is not None and user.username == login
    teacher = User.objects.get(username="teacher")
    assert teacher.has_role(Role.TEACHER) and teacher.has_role(Role.CLASS_TEACHER)
    assert teacher.assignments.count() >= 3
    assert all(a.planned_topics.exists() for a in teacher.assignments.all())
    assert User.objects.get(username="teacher2").has_role(Role.TEACHER)
    assert User.objects.get(username="deputy").has_role(Role.DEPUTY)
    assert User.objects.get(username="deputy").is_staff
    assert User.objects.get(username="director").has_role(Role.DIRECTOR)
    assert User.objects.get(username="sysadmin").has_role(Role.SYSADMIN)
    assert User.objects.get(username="sysadmin").is_staff
    parent = User.objects.get(username="parent")
    children = Student.objects.filter(guardianships__parent=parent, guardianships__status="active")
    assert children.count() == 2
    assert len({c.school_class_id for c in children}) == 2
    student = User.objects.get(username="student").student
    assert student in children
    assert student.school_class.class_teacher == teacher
    assert parent.has_perm("journal.view_diary", student)
    assert CredentialReceipt.objects.filter(user=parent).exists()


START_PAGES = {
    "teacher": "/journal/",
    "teacher2": "/journal/",
    "deputy": "/audit/",
    "director": "/audit/",
    "sysadmin": "/admin/",
    "parent": "/diary/",
    "student": "/diary/",
}


@pytest.mark.parametrize(("login", "start"), START_PAGES.items())
def test_each_demo_account_logs_in_and_lands_on_its_start_page(small_school, client, login, start):
    response = client.post("/accounts/login/", {"username": login, "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200
    landed = response.redirect_chain[-1][0]
    # The student's diary goes straight to their own week.
    assert landed == start or (login == "student" and landed.startswith("/diary/"))
    assert "Выйти" in response.content.decode()


def test_the_compliance_gaps_are_there(small_school):
    held = Lesson.objects.filter(is_held=True, date__lt=TODAY)
    assert held.filter(topic="").exists()
    assert held.filter(homework="").exclude(assignment__school_class__grade=1).exists()
    # A parent with active access but no receipt document; parents who never logged in.
    assert User.objects.filter(guardianships__status="active", credential_receipt__isnull=True).exists()
    never = User.objects.filter(groups__name=Role.PARENT, last_login__isnull=True)
    assert never.exists()
    assert not DiaryVisit.objects.filter(user__in=never).exists()
    # Most parents opened the diary in the last 7 days, most students in the last 2 days.
    now = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=MSK)
    parents = User.objects.filter(groups__name=Role.PARENT)
    recent_parents = parents.filter(diary_visits__at__gte=now - datetime.timedelta(days=7)).distinct()
    assert 0.7 < recent_parents.count() / parents.count() < 1
    students = User.objects.filter(groups__name=Role.STUDENT)
    recent_students = students.filter(diary_visits__at__gte=now - datetime.timedelta(days=2)).distinct()
    assert 0.4 < recent_students.count() / students.count() < 1
    # A mark entered more than 10 days after its lesson.
    late = [
        m
        for m in Mark.objects.select_related("lesson")
        if m.entered_at.astimezone(MSK).date() - m.lesson.date > datetime.timedelta(days=10)
    ]
    assert late
    late_teacher = late[0].entered_by
    # …by a teacher with no marks for the last weeks, although the КТП planned an assessed work
    # on a lesson more than 10 days old.
    cutoff = TODAY - datetime.timedelta(days=LATE_DAYS)
    recent = Lesson.objects.filter(assignment__teacher=late_teacher, date__gte=cutoff, date__lt=TODAY)
    assert recent.exists()
    assert not Mark.objects.filter(lesson__in=recent).exists()
    assert recent.filter(
        planned_topic__assessed_work_type__isnull=False, date__lt=TODAY - datetime.timedelta(days=10)
    ).exists()
    # Assignments without a КТП, and incomplete cards.
    assert TeachingAssignment.objects.filter(planned_topics__isnull=True).exists()
    assert any(t.missing_fields() for t in Teacher.objects.select_related("user"))
    assert any(s.missing_fields() for s in Student.objects.all())
    # First-quarter marks missing for some student × subject pairs.
    quarter = StudyPeriod.objects.get(kind="quarter", number=1)
    pairs = TeachingAssignment.objects.filter(school_class__grade__range=(2, 9), subject__name="История")
    assert pairs.exists()
    expected = sum(
        a.group.students.count() if a.group_id else a.school_class.students.count()
        for a in TeachingAssignment.objects.filter(school_class__grade__range=(2, 9)).exclude(
            subject__name__in=[
                "Основы религиозных культур и светской этики",
                "Основы духовно-нравственной культуры народов России",
            ]
        )
    )
    assert 0.8 * expected < PeriodMark.objects.filter(period=quarter).count() < expected


def test_marks_are_entered_within_ten_days_except_the_late_teachers(small_school):
    late = {
        mark.entered_by_id
        for mark in Mark.objects.select_related("lesson")
        if mark.entered_at.astimezone(MSK).date() - mark.lesson.date > datetime.timedelta(days=10)
    }
    assert len(late) == 1
    assert not Mark.objects.filter(Q(version__gt=1) | ~Q(entered_at=F("changed_at"))).exists()
    assert not Mark.objects.exclude(weight=F("work_type__weight")).exists()


def test_second_run_changes_nothing(small_school):
    before = counts()
    head = HistoryHead.objects.get().last_hash
    output = seed("--small")
    assert "уже создана" in output
    assert "teacher" in output and DEMO_PASSWORD in output
    assert counts() == before
    assert HistoryHead.objects.get().last_hash == head


def test_reset_rebuilds_the_same_school_and_keeps_superusers(small_school):
    before = counts()
    people = sorted(User.objects.values_list("username", "surname", "name", "patronymic"))
    old_teacher = User.objects.get(username="teacher").pk
    marks = list(
        Mark.objects.order_by("lesson__date", "lesson__number", "student__user__username").values_list(
            "value", flat=True
        )
    )
    admin = User.objects.create_superuser("admin", "admin@school84.krd.example", "x", surname="Админ", name="Админ")
    output = seed("--small", "--reset")
    # The kept superuser's rights enter the history with the rebuilt school (one entry more).
    before["HistoryEntry"] += HistoryEntry.objects.filter(kind="role", object_id=admin.pk).count()
    assert "Демо-школа создана" in output
    assert User.objects.filter(pk=admin.pk).exists()
    assert not User.objects.filter(pk=old_teacher).exists()
    assert counts() == {**before, "User": before["User"] + 1}
    # Deterministic: the same people and the same marks again.
    assert sorted(User.objects.exclude(pk=admin.pk).values_list("username", "surname", "name", "patronymic")) == people
    rebuilt = Mark.objects.order_by("lesson__date", "lesson__number", "student__user__username").values_list(
        "value", flat=True
    )
    assert list(rebuilt) == marks
    # The history starts again from the genesis hash and is still append-only.
    assert HistoryEntry.objects.order_by("id").first().prev_hash == GENESIS_HASH
    assert verify_journal() == []
    with pytest.raises(IntegrityError, match="только дополняется"), transaction.atomic():
        HistoryEntry.objects.filter(pk=HistoryEntry.objects.first().pk).delete()


def test_refuses_to_run_with_debug_off(small_school, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        seed("--small", "--reset")
    assert counts() == before


def test_force_runs_with_debug_off(db, settings):
    settings.DEBUG = False
    seed("--classes", "1", "--force", "--reset")
    assert SchoolClass.objects.count() == 1
    assert School.objects.get().short_name == "МАОУ СОШ № 84"


@pytest.mark.slow
def test_full_size_school(db, debug):
    seed("--reset")
    assert SchoolClass.objects.count() == 45
    assert 1150 <= Student.objects.count() <= 1250
    parents = User.objects.filter(groups__name=Role.PARENT)
    assert 1900 <= parents.count() <= 2100
    assert 75 <= Teacher.objects.count() <= 85
    assert parents.annotate(n=Count("guardianships")).filter(n__gte=2).count() > 100
    assert parents.annotate(n=Count("guardianships")).filter(n__gte=3).exists()
    holidays = list(Holiday.objects.all())
    for day in Lesson.objects.values_list("date", flat=True).distinct():
        assert day <= TODAY and day.isoweekday() <= 5
        assert not any(h.start <= day <= h.end for h in holidays)
    assert Mark.objects.count() > 80_000
    # DESIGN.md: ~40,000 lessons a year; by late November about a third of them.
    assert 12_000 < Lesson.objects.count() < 17_000
