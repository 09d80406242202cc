"""The deputy's dashboard and its drill-downs: who may see them, what they show, XLSX, constant queries."""

import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.compliance.models import Criterion
from journal import pagecache
from journal.models import Guardianship, Role, User
from journal.tests import factories as f

from .conftest import msk, run_deadlines, run_visits

D = datetime.date
LONG_AGO = msk(2026, 9, 1, 10, 0)


@pytest.fixture
def checked(school, assignment, quarter, student, parent, class_teacher):
    """The cast's school after one night: a lesson without a topic, a parent without a receipt or a visit."""
    lesson = f.LessonFactory(assignment=assignment, date=D(2026, 11, 27), topic="")
    Guardianship.objects.filter(parent=parent).update(decided_at=LONG_AGO)
    User.objects.filter(pk__in=[parent.pk, student.user_id]).update(date_joined=LONG_AGO)
    run_deadlines(school, msk(2026, 11, 27, 3, 0))
    run_deadlines(school, msk(2026, 11, 28, 3, 0))
    run_visits(school, msk(2026, 11, 28, 2, 30))
    return lesson


# --- who may see what -------------------------------------------------------------------------------------

PAGES = {
    "dashboard": lambda ctx: reverse("audit:dashboard"),
    "criterion": lambda ctx: reverse("audit:criterion", args=["topics"]),
    "class": lambda ctx: reverse("audit:criterion_class", args=["topics", ctx["class"].pk]),
    "teacher": lambda ctx: reverse("audit:criterion_teacher", args=["topics", ctx["teacher"].pk]),
    "my_class": lambda ctx: reverse("audit:my_class"),
}


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("deputy", "dashboard", 200),
        ("director", "dashboard", 200),
        ("deputy", "criterion", 200),
        ("director", "class", 200),
        ("deputy", "teacher", 200),
        ("teacher", "dashboard", 403),
        ("teacher", "criterion", 403),
        ("teacher", "my_class", 403),
        ("class_teacher", "dashboard", 403),
        ("class_teacher", "class", 403),
        ("class_teacher", "my_class", 200),
        ("deputy", "my_class", 403),
        ("parent", "dashboard", 403),
        ("parent", "my_class", 403),
        ("student", "dashboard", 403),
        ("sysadmin", "dashboard", 403),
    ],
)
def test_role_and_page(request, client_for, checked, class_5a, teacher, who, page, status):
    user = request.getfixturevalue(who)
    if not isinstance(user, User):
        user = user.user
    url = PAGES[page]({"class": class_5a, "teacher": teacher})
    assert client_for(user).get(url).status_code == status


def test_anonymous_goes_to_the_login_page(db):
    response = Client().get(reverse("audit:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_class_teacher_without_the_role_sees_their_class(client_for, checked, class_5a, teacher):
    class_5a.class_teacher = teacher  # a plain teacher made class teacher: no extra role needed
    class_5a.save()
    response = client_for(teacher).get(reverse("audit:my_class"))
    assert response.status_code == 200
    assert "Класс 5А" in response.content.decode()


# --- what the dashboard shows -----------------------------------------------------------------------------


def test_dashboard_shows_every_criterion_with_status_count_and_trend(client_for, deputy, checked):
    page = client_for(deputy).get(reverse("audit:dashboard")).content.decode()
    assert "Данные на 28.11.2026 03:00" in page
    for criterion in Criterion:
        assert str(criterion.label) in page
        assert reverse("audit:criterion", args=[criterion.value]) in page
    assert "Актуальность информации об ОУ" in page
    assert "Статистика посещений" in page
    assert "нарушения" in page and "в порядке" in page
    assert '<svg class="sparkline"' in page
    assert '<svg class="chart"' in page


def test_dashboard_trend_compares_with_the_previous_snapshot(client_for, deputy, checked, assignment):
    f.LessonFactory(assignment=assignment, date=D(2026, 11, 26), topic="")
    run_deadlines(assignment.school_class.school, msk(2026, 11, 28, 4, 0))  # today's snapshot: 2 lessons
    page = client_for(deputy).get(reverse("audit:dashboard")).content.decode()
    row = page[page.index(reverse("audit:criterion", args=["topics"])) :]
    row = row[: row.index("</tr>")]
    assert ">2 <span" in row  # two lessons without a topic
    # On 27.11 neither lesson was overdue yet (the lesson of 27.11 still had its day): +2 since then.
    assert 'class="text-end trend trend-up">+2<' in row


def test_dashboard_before_any_run_says_so(client_for, deputy, school):
    page = client_for(deputy).get(reverse("audit:dashboard")).content.decode()
    assert "Проверки ещё не выполнялись" in page
    assert "нет данных" in page


def test_each_run_of_the_checks_shows_on_the_next_view(client_for, deputy, school, assignment, quarter):
    """The dashboard below its frame is cached; a run of the checks stores new results and retires it."""
    client = client_for(deputy)
    assert "Проверки ещё не выполнялись" in client.get(reverse("audit:dashboard")).content.decode()
    f.LessonFactory(assignment=assignment, date=D(2026, 11, 26), topic="")
    run_deadlines(school, msk(2026, 11, 28, 3, 0))
    page = client.get(reverse("audit:dashboard")).content.decode()
    assert "Проверки ещё не выполнялись" not in page and "Данные на" in page
    row = page[page.index(reverse("audit:criterion", args=["topics"])) :]
    assert ">1 <span" in row[: row.index("</tr>")]
    f.LessonFactory(assignment=assignment, date=D(2026, 11, 25), topic="")
    run_deadlines(school, msk(2026, 11, 28, 4, 0))  # the same day, a second run: two lessons now
    page = client.get(reverse("audit:dashboard")).content.decode()
    row = page[page.index(reverse("audit:criterion", args=["topics"])) :]
    assert ">2 <span" in row[: row.index("</tr>")]


def test_the_page_has_no_inline_script_or_style(client_for, deputy, checked):
    page = client_for(deputy).get(reverse("audit:dashboard")).content.decode()
    assert "style=" not in page
    assert "<style" not in page
    assert "<script>" not in page
    assert 'src="/static/js/dashboard.js"' in page


def test_timeliness_and_visits_tables(client_for, deputy, checked, teacher, student):
    f.MarkFactory(lesson=checked, student=student, entered_at=msk(2026, 11, 27, 16, 0))
    run_deadlines(checked.assignment.school_class.school, msk(2026, 11, 28, 4, 0))
    page = client_for(deputy).get(reverse("audit:dashboard")).content.decode()
    assert "Своевременность отметок" in page
    assert teacher.short_name in page
    assert "100 %" in page  # the one mark was entered in time
    assert reverse("audit:criterion_class", args=["parent-visits", checked.assignment.school_class.pk]) in page


# --- drill-down -------------------------------------------------------------------------------------------


def test_drill_down_from_criterion_to_class_to_lessons(client_for, deputy, checked, class_5a, teacher):
    client = client_for(deputy)
    criterion = client.get(reverse("audit:criterion", args=["topics"])).content.decode()
    class_url = reverse("audit:criterion_class", args=["topics", class_5a.pk])
    teacher_url = reverse("audit:criterion_teacher", args=["topics", teacher.pk])
    assert class_url in criterion and teacher_url in criterion

    lessons = client.get(class_url).content.decode()
    assert f"27.11.2026, {checked.number}-й урок — 5А, Математика" in lessons
    assert "урок проведён, тема не указана" in lessons
    assert teacher.short_name in lessons
    assert f"{checked.number}-й урок" in client.get(teacher_url).content.decode()


def test_drill_down_to_parents_shows_their_contacts(client_for, deputy, checked, class_5a, parent):
    page = client_for(deputy).get(reverse("audit:criterion_class", args=["parent-visits", class_5a.pk]))
    body = page.content.decode()
    assert "Лебедева Ирина Сергеевна (мать) — Лебедева Мария, 5А" in body
    assert parent.email in body


@pytest.mark.parametrize(
    "url",
    [
        lambda c, t: reverse("audit:criterion", args=["no-such-thing"]),
        lambda c, t: reverse("audit:criterion_class", args=["topics", 999999]),
        lambda c, t: reverse("audit:criterion_teacher", args=["topics", 999999]),
    ],
)
def test_unknown_criterion_class_or_teacher_is_404(client_for, deputy, checked, url):
    assert client_for(deputy).get(url(None, None)).status_code == 404


def test_a_class_of_another_school_is_404(client_for, deputy, checked, year):
    other = f.SchoolClassFactory(school=f.SchoolFactory(short_name="МАОУ СОШ № 85"), year=year, grade=6, letter="В")
    url = reverse("audit:criterion_class", args=["topics", other.pk])
    assert client_for(deputy).get(url).status_code == 404


def test_my_class_lists_the_parents_to_remind(client_for, class_teacher, checked, parent):
    page = client_for(class_teacher).get(reverse("audit:my_class")).content.decode()
    assert "Напомнить родителям (1)" in page
    assert "Лебедева Ирина Сергеевна (мать)" in page
    assert parent.email in page
    assert "Темы проведённых уроков" in page
    assert "27.11.2026" in page


# --- XLSX -------------------------------------------------------------------------------------------------


def _sheets(response) -> dict[str, list[tuple]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_dashboard_exports_each_table(client_for, deputy, checked):
    client = client_for(deputy)
    sheets = _sheets(client.get(reverse("audit:dashboard"), {"format": "xlsx"}))
    assert set(sheets) == {"Критерии", "Своевременность отметок", "Посещения дневника"}
    criteria = sheets["Критерии"]
    assert criteria[0][0] == "Данные на 28.11.2026 03:00"
    topics = next(row for row in criteria if row and row[1] == "Темы проведённых уроков")
    assert topics[3:5] == ("нарушения", 1)

    [only] = _sheets(client.get(reverse("audit:dashboard"), {"format": "xlsx", "table": "visits"})).values()
    assert ("5А", "Смирнова Ольга Викторовна", 1, 0, 1, 0, 1) in only


def test_findings_export(client_for, deputy, checked, class_5a):
    response = client_for(deputy).get(
        reverse("audit:criterion_class", args=["topics", class_5a.pk]), {"format": "xlsx"}
    )
    [rows] = _sheets(response).values()
    assert rows[2][:3] == ("Дата", "Что", "Нарушение")
    assert rows[3][0] == datetime.datetime(2026, 11, 27)
    assert rows[3][2] == "урок проведён, тема не указана"


def test_criterion_and_my_class_exports(client_for, deputy, class_teacher, checked):
    sheets = _sheets(client_for(deputy).get(reverse("audit:criterion", args=["receipts"]), {"format": "xlsx"}))
    assert {"Нарушения", "По классам", "По учителям"} <= set(sheets)
    [rows] = _sheets(client_for(class_teacher).get(reverse("audit:my_class"), {"format": "xlsx"})).values()
    assert any(row[1] == "Родители открывают дневник" for row in rows)


# --- queries ---------------------------------------------------------------------------------------------


def build_school(*, classes: int, students: int, lessons: int):
    """A school of ``classes`` classes × ``students`` students (each with a parent) × ``lessons`` lessons."""
    school = f.SchoolFactory()
    year = f.AcademicYearFactory()
    f.StudyPeriodFactory(year=year, first_quarter=True)
    f.StudyPeriodFactory(year=year)
    for n in range(classes):
        head = f.TeacherFactory(school=school).user
        school_class = f.SchoolClassFactory(school=school, year=year, grade=5 + n // 4, letter="АБВГ"[n % 4])
        school_class.class_teacher = head
        school_class.save()
        assignment = f.TeachingAssignmentFactory(school_class=school_class, teacher=head)
        pupils = [f.StudentFactory(school_class=school_class) for _ in range(students)]
        for pupil in pupils:
            f.GuardianshipFactory(student=pupil, decided_at=LONG_AGO)
        for i in range(lessons):
            lesson = f.LessonFactory(assignment=assignment, date=D(2026, 11, 2) + datetime.timedelta(days=i), topic="")
            f.MarkFactory(lesson=lesson, student=pupils[i % len(pupils)])
    for day in (27, 28):
        run_deadlines(school, msk(2026, 11, day, 3, 0))
        run_visits(school, msk(2026, 11, day, 3, 30))
    return school


@pytest.fixture(params=[(1, 2, 2), (4, 6, 8)], ids=["small", "bigger"])
def sized_school(request, db):
    return build_school(classes=request.param[0], students=request.param[1], lessons=request.param[2])


# The session's user, the school (that of the teacher card, else the first), the page versions
# (journal.pagecache), the stored results, and the history's head (printed under the page).
DASHBOARD_QUERIES = 9
CRITERION_QUERIES = 7
FINDINGS_QUERIES = 5
MY_CLASS_QUERIES = 5


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("audit:dashboard"))  # warm the session cache
    return client


def test_dashboard_costs_the_same_queries_whatever_the_size(sized_school, deputy, django_assert_num_queries):
    client = _logged_in(deputy)
    pagecache.everything_changed()  # built from the stored results, not taken from the page cache
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("audit:dashboard"))
    assert response.status_code == 200
    # the user, the school, the page versions and the history's head: the rest is in the page cache
    with django_assert_num_queries(4):
        again = client.get(reverse("audit:dashboard"))
    assert _without_csrf(again) == _without_csrf(response)
    with django_assert_num_queries(DASHBOARD_QUERIES - 2):  # the export: no page versions, no head
        assert client.get(reverse("audit:dashboard"), {"format": "xlsx"}).status_code == 200


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def test_drill_down_costs_the_same_queries_whatever_the_size(sized_school, deputy, django_assert_num_queries):
    client = _logged_in(deputy)
    school_class = sized_school.classes.order_by("pk").first()
    with django_assert_num_queries(CRITERION_QUERIES):
        assert client.get(reverse("audit:criterion", args=["topics"])).status_code == 200
    with django_assert_num_queries(FINDINGS_QUERIES):
        assert client.get(reverse("audit:criterion_class", args=["topics", school_class.pk])).status_code == 200
    with django_assert_num_queries(FINDINGS_QUERIES):
        url = reverse("audit:criterion_teacher", args=["topics", school_class.class_teacher_id])
        assert client.get(url).status_code == 200


def test_my_class_costs_the_same_queries_whatever_the_size(sized_school, django_assert_num_queries):
    head = sized_school.classes.order_by("pk").first().class_teacher
    client = _logged_in(head)
    with django_assert_num_queries(MY_CLASS_QUERIES):
        response = client.get(reverse("audit:my_class"))
    assert response.status_code == 200
    assert "Напомнить родителям" in response.content.decode()


def test_role_helper_sees_role_names(deputy):
    assert deputy.has_role(Role.DEPUTY)
