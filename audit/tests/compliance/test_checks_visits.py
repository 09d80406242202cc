"""«Статистика посещений … электронного дневника» (п. 3.3): receipts of accounts, parents at least once a
week, students at least once in 2 days; the per-class statistics the dashboard shows."""

import datetime

import pytest

from audit.compliance.models import ClassSnapshot, Criterion
from diary.models import DiaryVisit
from journal.models import Guardianship, User
from journal.tests import factories as f

from .conftest import NIGHT, msk, open_findings, run_visits

LONG_AGO = msk(2026, 9, 1, 10, 0)


@pytest.fixture
def family(parent, student):
    """The cast's mother and daughter, with access and accounts since September."""
    Guardianship.objects.filter(parent=parent).update(decided_at=LONG_AGO)
    User.objects.filter(pk__in=[parent.pk, student.user_id]).update(date_joined=LONG_AGO)
    return parent, student


def visit(user, student, at):
    return DiaryVisit.objects.create(user=user, student=student, at=at, page="week")


def test_parent_with_access_needs_the_receipt_document(family, school, class_5a):
    parent, student = family
    run_visits(school)
    [finding] = open_findings(Criterion.RECEIPTS)
    assert finding.person == parent
    assert finding.school_class == class_5a
    assert finding.teacher == class_5a.class_teacher
    assert finding.label == "Лебедева Ирина Сергеевна (мать) — Лебедева Мария, 5А"

    f.CredentialReceiptFactory(user=parent)
    run_visits(school, NIGHT + datetime.timedelta(hours=1))
    assert open_findings(Criterion.RECEIPTS) == []


def test_applied_guardianship_needs_no_receipt_yet(student, school):
    applicant = f.UserFactory(username="applicant")
    f.GuardianshipFactory(parent=applicant, student=student, status=Guardianship.Status.APPLIED)
    run_visits(school)
    assert open_findings(Criterion.RECEIPTS) == []


@pytest.mark.parametrize(
    ("visited_at", "expected"),
    [(msk(2026, 11, 21, 0, 0, 0), False), (msk(2026, 11, 20, 23, 59, 59), True)],
    ids=["first-second-of-the-week", "a-second-before"],
)
def test_parent_opens_the_diary_once_a_week(family, school, visited_at, expected):
    parent, student = family
    visit(parent, student, visited_at)
    run_visits(school)  # 28.11.2026: the week is 21.11–27.11 and today so far
    findings = open_findings(Criterion.PARENT_VISITS)
    assert [f.person for f in findings] == ([parent] if expected else [])
    if expected:
        assert findings[0].detail == "не открывал(а) дневник 7 дн.; последнее посещение — 20.11.2026"


def test_parent_who_never_opened_the_diary(family, school):
    run_visits(school)
    [finding] = open_findings(Criterion.PARENT_VISITS)
    assert finding.detail == "ни разу не открывал(а) дневник"


def test_access_granted_within_the_week_is_not_yet_due(family, school):
    parent, _student = family
    Guardianship.objects.filter(parent=parent).update(decided_at=msk(2026, 11, 25, 12, 0))
    run_visits(school)
    assert open_findings(Criterion.PARENT_VISITS) == []


def test_a_visit_resolves_the_parent_finding(family, school):
    parent, student = family
    run_visits(school)
    assert len(open_findings(Criterion.PARENT_VISITS)) == 1
    visit(parent, student, msk(2026, 11, 28, 9, 0))
    run_visits(school, msk(2026, 11, 28, 10, 0))
    assert open_findings(Criterion.PARENT_VISITS) == []


@pytest.mark.parametrize(
    ("visited_at", "expected"),
    [(msk(2026, 11, 26, 0, 0, 0), False), (msk(2026, 11, 25, 23, 59, 59), True)],
    ids=["first-second-of-two-days", "a-second-before"],
)
def test_student_opens_the_diary_every_two_days(family, school, class_5a, visited_at, expected):
    _parent, student = family
    visit(student.user, student, visited_at)
    run_visits(school)
    findings = open_findings(Criterion.STUDENT_VISITS)
    assert [f.person for f in findings] == ([student.user] if expected else [])
    if expected:
        assert findings[0].teacher == class_5a.class_teacher


def test_visit_statistics_per_class_are_stored(family, school, class_5a, other_parent, other_student, class_5b):
    parent, student = family
    Guardianship.objects.filter(parent=other_parent).update(decided_at=LONG_AGO)
    User.objects.filter(pk=other_student.user_id).update(date_joined=LONG_AGO)
    visit(parent, student, msk(2026, 11, 27, 19, 0))
    visit(student.user, student, msk(2026, 11, 27, 19, 5))
    f.CredentialReceiptFactory(user=parent)

    run_visits(school)
    stats = {
        (s.school_class_id, s.criterion): (s.count, s.total)
        for s in ClassSnapshot.objects.filter(day=datetime.date(2026, 11, 28))
    }
    assert stats[(class_5a.pk, Criterion.PARENT_VISITS)] == (0, 1)
    assert stats[(class_5a.pk, Criterion.STUDENT_VISITS)] == (0, 1)
    assert stats[(class_5a.pk, Criterion.RECEIPTS)] == (0, 1)
    assert stats[(class_5b.pk, Criterion.PARENT_VISITS)] == (1, 1)
    assert stats[(class_5b.pk, Criterion.STUDENT_VISITS)] == (1, 1)
    assert stats[(class_5b.pk, Criterion.RECEIPTS)] == (1, 1)


def test_parent_of_two_children_counts_once(family, school, class_5a):
    parent, _student = family
    sibling = f.StudentFactory(school_class=class_5a)
    f.GuardianshipFactory(parent=parent, student=sibling, decided_at=LONG_AGO)
    summary = run_visits(school)
    assert len(open_findings(Criterion.PARENT_VISITS)) == 2  # one per child, to see it in each class
    assert summary.counts[Criterion.PARENT_VISITS] == 1
