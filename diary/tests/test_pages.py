"""What a parent reads on each diary page (раздел 5 Положения)."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from journal.models import Guardianship, SchoolClass
from onboarding import guardianships

from .conftest import make_student, weighted


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------- index


def test_a_student_goes_straight_to_their_own_week(diary_school, as_user):
    response = as_user(diary_school.student.user).get(reverse("diary:index"))

    assert response.status_code == 302
    assert response.url == reverse("diary:week", args=[diary_school.student.pk])


def test_a_parent_of_one_child_goes_straight_to_the_child(diary_school, as_user):
    response = as_user(diary_school.parent).get(reverse("diary:index"))

    assert response.status_code == 302
    assert response.url == reverse("diary:week", args=[diary_school.student.pk])


def test_a_parent_of_two_lists_them_and_switches_on_every_page(diary_school, as_user):
    w = diary_school
    younger = make_student(w.class_5a, "Кузнецова", "Анна")
    guardianships.guardianship_approve(
        guardianship=Guardianship.objects.create(parent=w.parent, student=younger), by=w.admin
    )
    client = as_user(w.parent)

    index = _text(client.get(reverse("diary:index")))
    assert "Кузнецов Пётр" in index and "Кузнецова Анна" in index
    for page in ("week", "marks", "attendance", "timetable"):
        html = _text(client.get(reverse(f"diary:{page}", args=[w.student.pk])))
        assert f'href="{reverse(f"diary:{page}", args=[younger.pk])}' in html, page
    week = _text(client.get(reverse("diary:week", args=[w.student.pk]), {"date": "2026-11-17"}))
    assert f"{reverse('diary:week', args=[younger.pk])}?date=2026-11-16" in week  # the switcher keeps the week


def test_a_parent_without_access_is_told_how_to_get_it(diary_school, as_user):
    html = _text(as_user(diary_school.ended_parent).get(reverse("diary:index")))

    assert "Доступ к дневнику пока не предоставлен" in html


# ---------------------------------------------------------------------------------------------- week


def test_week_shows_lessons_in_order_with_bell_teacher_topic_homework_marks_attendance(diary_school, as_user):
    w = diary_school
    html = _text(as_user(w.parent).get(reverse("diary:week", args=[w.student.pk])))

    days = ["Понедельник, 23 ноября", "Вторник, 24 ноября", "Среда, 25 ноября"]
    days += ["Четверг, 26 ноября", "Пятница, 27 ноября", "Суббота, 28 ноября"]
    assert [html.index(day) for day in days] == sorted(html.index(day) for day in days)
    monday = html[html.index(days[0]) : html.index(days[1])]
    assert monday.index("Математика") < monday.index("Русский язык") < monday.index("Английский язык")
    assert "08:00–08:40 · Иванова А. П." in monday
    assert "09:40–10:20 · Смирнов О. И." in monday
    assert "Дроби, урок 1" in monday and "№ 100" in monday and "Present Simple" in monday
    assert '<span class="dl-abs" title="Посещаемость">Б</span>' in monday
    assert "4<sub>О</sub>" in monday and "Ответ на уроке, вес 1 — ответ у доски" in monday
    wednesday = html[html.index(days[2]) : html.index(days[3])]
    homework = reverse("diary:homework", args=[w.student.pk, w.lessons["math_wed"].pk])
    assert f'href="{homework}"' in wednesday and "task" in wednesday
    assert "5<sub>К</sub>" in wednesday and "Контрольная работа, вес 2 — контрольная по дробям" in wednesday
    assert "сегодня" in wednesday


def test_week_hides_other_groups_other_classes_and_other_students(diary_school, as_user):
    html = _text(as_user(diary_school.parent).get(reverse("diary:week", args=[diary_school.student.pk])))

    assert "Past Simple" not in html  # English, group 2
    assert "Уравнения" not in html  # 6Б
    assert "чужая отметка" not in html
    assert ">Н<" not in html  # the other student's absence


def test_week_navigation(diary_school, as_user):
    client = as_user(diary_school.parent)
    url = reverse("diary:week", args=[diary_school.student.pk])

    earlier = _text(client.get(url, {"date": "2026-11-18"}))
    assert "16 ноября — 21 ноября 2026" in earlier and earlier.count("Уроков нет") == 6
    assert 'href="?date=2026-11-09"' in earlier and 'href="?date=2026-11-23"' in earlier
    assert "К текущей неделе" in earlier
    sunday = _text(client.get(url, {"date": "2026-11-29"}))
    assert "23 ноября — 28 ноября 2026" in sunday and "К текущей неделе" not in sunday
    assert "23 ноября — 28 ноября 2026" in _text(client.get(url, {"date": "not-a-date"}))
    assert "23 ноября — 28 ноября 2026" in _text(client.get(url, {"date": "0001-01-01"}))


def test_a_cancelled_lesson_and_a_substitute_are_shown(diary_school, as_user):
    w = diary_school
    lesson = w.lessons["russian_mon"]
    lesson.is_held = False
    lesson.substitute = w.admin
    lesson.save()

    html = _text(as_user(w.parent).get(reverse("diary:week", args=[w.student.pk])))

    assert "Урок не проведён" in html
    assert "замена: Админова А. С." in html


# ---------------------------------------------------------------------------------------------- marks


def _subject_block(html: str, subject: str) -> str:
    start = html.index(f"<strong>{subject}</strong>")
    end = html.find("</li>\n  \n", start)
    return html[start:end]


def _average(block: str) -> str:
    return re.search(r'class="dl-avg">([^<]*)<', block).group(1)


def test_marks_of_the_current_quarter_with_weighted_average(diary_school, as_user):
    w = diary_school
    math_fri = w.lesson("math", datetime.date(2026, 11, 20), 1)
    w.mark(math_fri, 3, "О")  # weight 1
    w.mark(math_fri, 4, "С")  # weight 1.5
    w.mark(math_fri, None, "О", passed=True)  # «зачёт» does not count
    html = _text(as_user(w.parent).get(reverse("diary:marks", args=[w.student.pk])))

    assert "2 четверть 2026/2027" in html
    math = _subject_block(html, "Математика")
    expected = weighted((5, "2.0"), (3, "1.0"), (4, "1.5"))
    assert expected == Decimal("4.22")
    assert _average(math) == "4,22"
    assert math.index("3<sub>О</sub>") < math.index("5<sub>К</sub>")  # date order
    assert "зач" in math
    assert "контрольная по дробям" in math
    assert "2<sub>О</sub>" not in math  # a first-quarter mark
    assert 'class="dl-year-mark">5<' in math
    russian = _subject_block(html, "Русский язык")
    assert _average(russian) == "4,00"


def test_marks_of_another_period_with_the_period_mark(diary_school, as_user):
    w = diary_school
    html = _text(as_user(w.parent).get(reverse("diary:marks", args=[w.student.pk]), {"period": w.periods["q1"].pk}))

    math = _subject_block(html, "Математика")
    assert "2<sub>О</sub>" in math and _average(math) == "2,00"
    assert 'class="dl-period-mark">4<' in math  # not the other student's 3
    assert 'class="dl-year-mark">5<' in math
    assert _average(_subject_block(html, "Английский язык")) == "—"


def test_marks_default_to_the_half_year_in_grade_10(diary_school, as_user):
    w = diary_school
    class_10 = SchoolClass.objects.create(school=w.school, year=w.year, grade=10, letter="А")
    senior = make_student(class_10, "Орлов", "Павел")
    html = _text(as_user(senior.user).get(reverse("diary:marks", args=[senior.pk])))

    assert "1 полугодие 2026/2027" in html
    assert "четверть" not in html


# ---------------------------------------------------------------------------------------------- attendance


def test_attendance_by_subject_and_code_with_totals(diary_school, as_user):
    w = diary_school
    w.absence(w.lessons["math_wed"], "Н")
    w.absence(w.lesson("math", datetime.date(2026, 11, 19), 1), "ОП")
    html = _text(as_user(w.parent).get(reverse("diary:attendance", args=[w.student.pk])))

    rows = dict(re.findall(r'<tr[^>]*><th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>', html))
    cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", row) for name, row in rows.items()}
    # lessons held up to today, Н, Б, У, ОП, all
    assert cells["Математика"] == ["4", "1", "", "", "1", "2"]
    assert cells["Русский язык"] == ["3", "", "1", "", "", "1"]
    assert cells["Английский язык"] == ["1", "", "", "", "", ""]
    assert cells["Итого"] == ["8", "1", "1", "0", "1", "3"]
    assert "25.11.2026, 1 урок — Н — отсутствовал" in html


def test_attendance_of_a_past_period(diary_school, as_user):
    w = diary_school
    w.absence(w.lessons["math_q1"], "У")
    html = _text(
        as_user(w.student.user).get(reverse("diary:attendance", args=[w.student.pk]), {"period": w.periods["q1"].pk})
    )

    assert '<td class="dl-total">1</td>' in html
    assert "01.10.2026, 1 урок — У — уважительная причина" in html


# ---------------------------------------------------------------------------------------------- timetable, school


def test_timetable_of_the_current_period(diary_school, as_user):
    w = diary_school
    html = _text(as_user(w.parent).get(reverse("diary:timetable", args=[w.student.pk])))

    monday = html[html.index("Понедельник") : html.index("Вторник")]
    assert monday.index("Математика") < monday.index("Русский язык") < monday.index("Английский язык")
    assert "08:50–09:30 · каб. 21 · Иванова А. П." in monday
    assert monday.count("Английский язык") == 1  # group 1 only
    assert html.count("Математика") == 6
    assert "Суббота" in html


def test_school_card_bells_and_staff(diary_school, as_user):
    html = _text(as_user(diary_school.parent).get(reverse("diary:school")))

    assert "г. Краснодар, ул. Школьная, 84" in html
    assert "Петрова Н. В." in html
    assert "08:00–08:40" in html
    assert "Иванова Анна Петровна" in html and "Математика, Русский язык" in html
    assert "Смирнов Олег Игоревич" in html and "Английский язык" in html
