"""The demo school (``seed_demo --small``) with its planted gaps: ``run_compliance_checks`` finds each one,
and the deputy's dashboard reads them in the same number of queries as on a tiny school."""

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from audit.compliance.models import Criterion, CriterionSnapshot, Finding, TeacherTimeliness
from journal import pagecache
from journal.models import User

from .conftest import NIGHT
from .test_dashboard import DASHBOARD_QUERIES

pytestmark = pytest.mark.slow


def _open(criterion: str):
    return Finding.objects.open().filter(criterion=criterion)


def test_checks_find_the_gaps_planted_by_seed_demo(db, capsys, django_assert_num_queries):
    call_command("seed_demo", "--small", "--today", "2026-11-28", "--force")
    with time_machine.travel(NIGHT, tick=False):
        call_command("run_compliance_checks")
    out = capsys.readouterr().out
    assert "Готово за" in out

    # Two assignments without a КТП; three incomplete teacher cards and five student cards.
    assert _open(Criterion.KTP).count() == 2
    assert _open(Criterion.TEACHER_CARDS).count() == 3
    assert _open(Criterion.STUDENT_CARDS).count() == 5
    # Lessons held without a topic; a class and subject without their first-quarter marks.
    assert _open(Criterion.TOPICS).exists()
    assert _open(Criterion.PERIOD_MARKS).filter(detail__regex=r"нет отметки у (\d+) из \1 ").exists()
    # The teacher late with marks: marks entered after 10 days, and planned works left without marks.
    [late] = _open(Criterion.ASSESSED_MARKS).values("teacher").annotate(n=Count("id")).values_list("teacher", flat=True)
    top = _open(Criterion.LATE_MARKS).values("teacher").annotate(n=Count("id")).order_by("-n").first()
    assert top["teacher"] == late
    timeliness = TeacherTimeliness.objects.get(teacher_id=late, day=NIGHT.date())
    assert timeliness.marks_late > 0 and timeliness.share_on_time < 0.9
    # Parents: some without the receipt document, some who never opened the diary, students who lapsed.
    assert _open(Criterion.RECEIPTS).exists()
    assert _open(Criterion.PARENT_VISITS).filter(detail="ни разу не открывал(а) дневник").exists()
    assert _open(Criterion.STUDENT_VISITS).exists()
    assert CriterionSnapshot.objects.filter(day=NIGHT.date()).count() == len(Criterion)

    client = Client()
    client.force_login(User.objects.get(username="deputy"))
    client.get(reverse("audit:dashboard"))  # warm the session cache
    pagecache.everything_changed()  # built from the stored results, not taken from the page cache
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = client.get(reverse("audit:dashboard")).content.decode()
    assert "Данные на 28.11.2026 03:00" in page
