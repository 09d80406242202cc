"""The week and marks HTML built by ``diary.render``: what a parent reads, escaped, in Russian."""

import datetime
from decimal import Decimal

from django.urls import reverse

from diary import render, selectors
from journal.history_selectors import LateChangeNote
from journal.models import Lesson, WorkType

from .conftest import MONDAY, TODAY

HOSTILE = "<b>&\"'"
ESCAPED = "&lt;b&gt;&amp;&quot;&#x27;"


def _hostile_work_type(w) -> WorkType:
    work_type = WorkType.objects.create(name=f"Тест {HOSTILE}", code="<&", weight=Decimal("0.5"))
    w.work_types[work_type.code] = work_type
    return work_type


def _week(w):
    return selectors.lessons_for_week(student=w.student, monday=MONDAY)


def _week_page(w, as_user) -> str:
    response = as_user(w.parent).get(reverse("diary:week", args=[w.student.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_week_escapes_every_text_from_the_journal(diary_school, as_user):
    w = diary_school
    hostile_type = _hostile_work_type(w)
    lesson = w.lessons["russian_mon"]
    lesson.topic = f"Тема {HOSTILE}"
    lesson.homework = f"Упр. {HOSTILE}"
    lesson.room = "<21>"
    lesson.save()
    w.mark(lesson, 5, hostile_type.code, comment=f"за {HOSTILE}")

    html = _week_page(w, as_user)

    assert HOSTILE not in html and "<21>" not in html and "<&" not in html
    assert f"Тема {ESCAPED}" in html
    assert f"Упр. {ESCAPED}" in html
    assert "каб. &lt;21&gt;" in html
    assert f'title="Тест {ESCAPED}, 0,5: за {ESCAPED}">5<sub>&lt;&amp;</sub></span>' in html
    assert f"Тест {ESCAPED}, вес 0,5 — за {ESCAPED}</div>" in html


def test_week_homework_breaks_lines_and_links_its_file(diary_school, as_user):
    w = diary_school
    lesson = w.lessons["math_wed"]
    lesson.homework = "№ 1\r\n№ 2\r№ 3\n\n<i>устно</i>"
    lesson.save()

    html = _week_page(w, as_user)

    assert "№ 1<br>№ 2<br>№ 3<br><br>&lt;i&gt;устно&lt;/i&gt;" in html
    url = reverse("diary:homework", args=[w.student.pk, lesson.pk])
    assert f' <a href="{url}" download>файл: task' in html


def test_week_days_in_russian_with_today_and_empty_days(diary_school, as_user):
    w = diary_school
    Lesson.objects.filter(date=MONDAY + datetime.timedelta(days=5)).delete()  # Saturday: no lessons left

    html = _week_page(w, as_user)

    assert '<h2 class="card-header h6 mb-0">Понедельник, 23 ноября</h2>' in html
    assert 'Среда, 25 ноября <span class="badge text-bg-primary">сегодня</span></h2>' in html
    assert html.count("border-primary") == 1
    saturday = html[html.index("Суббота, 28 ноября") :]
    assert "Уроков нет" in saturday and html.count("Уроков нет") == 1


def test_week_weights_drop_a_zero_fraction_and_use_a_decimal_comma(diary_school):
    w = diary_school
    lesson = w.lessons["russian_mon"]
    w.mark(lesson, 3, "С")  # weight 1.5
    w.mark(lesson, 4, "К")  # weight 2.0

    html = render.week_html(days=_week(w), student=w.student, today=TODAY)

    assert "Самостоятельная работа, вес 1,5" in html
    assert "Контрольная работа, вес 2</div>" in html and "вес 2,0" not in html and "вес 2.0" not in html
    assert 'title="Ответ на уроке, 1: ответ у доски">4<sub>О</sub></span>' in html


def test_week_shows_the_late_change_note_beside_the_mark(diary_school):
    w = diary_school
    days = _week(w)
    marks = [mark for day in days for lesson in day.lessons for mark in lesson.diary_marks]
    for mark in marks:
        mark.late_change = None
    marks[0].late_change = LateChangeNote(applied_on=datetime.date(2026, 11, 24), number="7/2026-27 <x>")

    html = render.week_html(days=days, student=w.student, today=TODAY)

    assert html.count('class="late-change-note"') == 1
    assert (
        '<sup class="late-change-note" title="Изменено после срока редактирования по заявлению № 7/2026-27 &lt;x&gt; '
        '(внесено 24.11.2026), раздел 4 положения">изм. по заявл. № 7/2026-27 &lt;x&gt;</sup>'
    ) in html


def test_week_of_a_cancelled_lesson_with_a_substitute_and_an_absence(diary_school):
    w = diary_school
    lesson = w.lessons["russian_mon"]
    lesson.is_held = False
    lesson.substitute = w.admin
    lesson.save()

    html = render.week_html(days=_week(w), student=w.student, today=TODAY)

    assert '<li class="list-group-item text-muted">' in html
    assert "08:50–09:30 · Иванова А. П. · замена: Админова А. С.</div>" in html
    assert '<div class="small">Урок не проведён</div>' in html
    assert '<span class="dl-abs" title="Посещаемость">Б</span>' in html


# ---------------------------------------------------------------------------------------------- marks


def _rows(w, period="q2"):
    periods = selectors.periods_for_student(student=w.student)
    year = selectors.year_period(periods)
    rows = selectors.marks_for_period(student=w.student, period=w.periods[period], year=year)
    for row in rows:
        for mark in row.marks:
            mark.late_change = None
    return rows


def _block(html: str, subject: str) -> str:
    return next(part for part in html.split('<li class="list-group-item">') if f"<strong>{subject}</strong>" in part)


def test_marks_escape_and_format_each_mark(diary_school):
    w = diary_school
    hostile_type = _hostile_work_type(w)
    w.mark(w.lessons["math_wed"], 4, hostile_type.code, comment=f"за {HOSTILE}")
    w.mark(w.lessons["math_wed"], None, "О", passed=False)

    html = render.marks_html(rows=_rows(w), period=w.periods["q2"])

    assert HOSTILE not in html
    math = _block(html, "Математика")
    assert (
        f'<span class="dl-mark w{hostile_type.pk}" title="Тест {ESCAPED}, 0,5: за {ESCAPED}">4<sub>&lt;&amp;</sub>'
        in math
    )
    assert f"<li>25.11 — <b>4</b>, Тест {ESCAPED}, вес 0,5: за {ESCAPED}</li>" in math
    assert "<li>25.11 — <b>5</b>, Контрольная работа, вес 2: контрольная по дробям</li>" in math
    assert "<b>незач</b>, Ответ на уроке, вес 1</li>" in math
    assert 'class="dl-avg">4,80<' in math  # (5 × 2 + 4 × 0,5) / 2,5; «незачёт» does not count


def test_marks_of_a_subject_without_marks_and_without_period_marks(diary_school):
    w = diary_school

    html = render.marks_html(rows=_rows(w, "q1"), period=w.periods["q1"])

    english = _block(html, "Английский язык")
    assert '<div class="dl-marks my-1"><span class="small text-muted">отметок нет</span></div>' in english
    assert 'class="dl-avg">—<' in english and "За что" not in english
    assert 'Четверть: <b class="dl-period-mark">—</b>' in english
    math = _block(html, "Математика")
    assert 'Четверть: <b class="dl-period-mark">4</b>' in math and 'Год: <b class="dl-year-mark">5</b>' in math


def test_marks_of_the_year_show_no_period_mark(diary_school):
    w = diary_school

    html = render.marks_html(rows=_rows(w, "year"), period=w.periods["year"])

    assert "dl-period-mark" not in html and "Четверть" not in html
    assert 'Год: <b class="dl-year-mark">5</b>' in html


def test_marks_show_late_change_notes_on_marks_and_period_marks(diary_school):
    w = diary_school
    rows = _rows(w)
    math = next(row for row in rows if row.subject.name == "Математика")
    math.marks[0].late_change = LateChangeNote(applied_on=datetime.date(2026, 11, 25), number="2")
    math.period_late_change = LateChangeNote(applied_on=datetime.date(2026, 11, 20), number="3&")
    math.year_late_change = None

    html = render.marks_html(rows=rows, period=w.periods["q2"])

    block = _block(html, "Математика")
    assert block.count('class="late-change-note"') == 2
    assert "5<sub>К</sub></span>\n<sup" in block
    assert (
        'title="Изменено после срока редактирования по заявлению № 2 (внесено 25.11.2026), раздел 4 положения"' in block
    )
    assert (
        '<b class="dl-period-mark">—</b>\n<sup class="late-change-note" title="Изменено после срока '
        'редактирования по заявлению № 3&amp; (внесено 20.11.2026), раздел 4 положения">изм. по заявл. № 3&amp;</sup>'
    ) in block


def test_marks_page_without_subjects(diary_school):
    assert "Предметов нет." in render.marks_html(rows=[], period=diary_school.periods["q2"])
