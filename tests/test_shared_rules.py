"""A rule the staff and families can see in two places has one implementation, and the pages agree.

The weighted average (half up, two decimals, Russian comma) and «the current period» are computed once
(``journal.averages``, ``StudyPeriod.current_among``) and shown the same on the teacher's grid, the child's
diary and the summary sheet.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from journal.averages import average_text, mean, weighted_average
from journal.models import StudyPeriod, Subject, TeachingAssignment
from journal.roles import is_sysadmin
from journal.tests import factories as f

FIVE_AND_SEVEN_FOURS = [5, 4, 4, 4, 4, 4, 4, 4]  # 33 / 8 = 4,125


def test_the_average_rounds_half_up_to_two_places():
    assert weighted_average((value, 1) for value in FIVE_AND_SEVEN_FOURS) == Decimal("4.13")
    assert average_text(Decimal("4.13")) == "4,13"
    assert mean(FIVE_AND_SEVEN_FOURS) == Decimal("4.13")
    # Weights count; pass/fail marks (no value) do not; no numeric mark gives no average.
    assert weighted_average([(5, Decimal("2.0")), (3, Decimal("1.0")), (None, Decimal("1.0"))]) == Decimal("4.33")
    assert weighted_average([(None, Decimal("1.0"))]) is None
    assert average_text(None) == ""


@pytest.fixture
def eight_marks(assignment, student, quarter, frozen_now):
    """One 5 and seven 4s for ``student`` in math this quarter (the 4,125 case)."""
    for day, value in enumerate(FIVE_AND_SEVEN_FOURS, start=6):
        lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, day), number=1)
        f.MarkFactory(lesson=lesson, student=student, value=value, entered_by=assignment.teacher)
    return student


def _grid_average(html: str, student_id: int) -> str:
    row = re.search(rf'<tr data-s="{student_id}">.*?</tr>', html, re.S).group(0)
    return re.search(r'<td class="avg">([^<]*)', row).group(1)


def test_the_grid_and_the_diary_show_the_same_average(eight_marks, assignment, teacher, parent, client_for, quarter):
    student = eight_marks
    grid = client_for(teacher).get(reverse("journal:grid", args=[assignment.pk]))
    assert _grid_average(grid.content.decode(), student.pk) == "4,13"

    diary = client_for(parent).get(reverse("diary:marks", args=[student.pk]), {"period": quarter.pk})
    shown = re.findall(r'<b class="dl-avg">([^<]*)</b>', diary.content.decode())
    assert shown == ["4,13"]


def test_the_summary_sheet_shows_the_same_average(class_5a, student, quarter, deputy, client_for, frozen_now):
    teacher = class_5a.class_teacher
    for index, value in enumerate(FIVE_AND_SEVEN_FOURS):
        subject = Subject.objects.create(name=f"Предмет {index + 1}")
        TeachingAssignment.objects.create(teacher=teacher, school_class=class_5a, subject=subject)
        f.PeriodMarkFactory(student=student, subject=subject, period=quarter, value=str(value), entered_by=teacher)
    response = client_for(deputy).get(reverse("audit:summary_sheet_pdf"), {"class": class_5a.pk, "period": quarter.pk})
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "4,13" in text
    assert "4,12" not in text


# --- The current period ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 9, 1), 1),  # the first day of the year
        (datetime.date(2026, 10, 30), 1),  # the autumn holidays: the quarter just finished
        (datetime.date(2026, 11, 5), 2),  # the first day of the second quarter
        (datetime.date(2026, 12, 31), 2),  # the winter holidays
        (datetime.date(2026, 8, 20), 1),  # before the year: the first quarter
    ],
)
def test_the_current_period_of_a_class(class_5a, year, quarter1, quarter, day, expected):
    f.StudyPeriodFactory(year=year, whole_year=True)
    f.StudyPeriodFactory(year=year, first_half=True)  # another kind: never the current period of 5А
    period = StudyPeriod.objects.current_for(class_5a, day)
    assert (period.kind, period.number) == (StudyPeriod.Kind.QUARTER, expected)
    assert StudyPeriod.current_among(list(StudyPeriod.objects.of_class(class_5a)), day) == period


def test_without_terms_the_year_is_current(class_5a, year):
    whole = f.StudyPeriodFactory(year=year, whole_year=True)
    assert StudyPeriod.objects.current_for(class_5a, datetime.date(2026, 11, 18)) == whole


def test_the_grid_and_the_diary_open_the_same_period_in_the_holidays(
    assignment, student, parent, teacher, quarter1, quarter, client_for, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 10, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
    grid = client_for(teacher).get(reverse("journal:grid", args=[assignment.pk]))
    diary = client_for(parent).get(reverse("diary:marks", args=[student.pk]))
    assert grid.context["grid"].period == quarter1
    assert diary.context["period"] == quarter1


# --- Who counts as the sysadmin ----------------------------------------------------------------------------------


def test_the_superuser_counts_as_the_sysadmin_everywhere(sysadmin, teacher):
    root = f.UserFactory(is_superuser=True, is_staff=True)
    assert is_sysadmin(sysadmin) and is_sysadmin(root)
    assert not is_sysadmin(teacher)


# --- The chain's head, printed (issue 14, point 6) ----------------------------------------------------------------


def test_the_head_is_printed_on_the_sheet_and_shown_on_the_dashboard(
    class_5a, student, quarter, deputy, client_for, frozen_now, capsys
):
    from django.core.management import call_command

    from journal.models import HistoryHead

    head = HistoryHead.objects.get(id=1)
    client = client_for(deputy)
    sheet = client.get(reverse("audit:summary_sheet_pdf"), {"class": class_5a.pk, "period": quarter.pk})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet.content)).pages).replace("\n", "")
    assert head.last_hash in text and f"записей: {head.entries}" in text
    register = client.get(reverse("audit:late_change_register_pdf"), {"period": quarter.pk})
    assert head.last_hash in "".join(p.extract_text() for p in PdfReader(io.BytesIO(register.content)).pages).replace(
        "\n", ""
    )
    assert head.last_hash in client.get(reverse("audit:dashboard")).content.decode()
    # What a sysadmin does with a printed head: it is in the chain.
    call_command("verify_journal", head=head.last_hash)
    assert "есть в истории" in capsys.readouterr().out
