"""A teacher fills a lesson's attendance and marks by keyboard alone, and finds them after a reload."""

import datetime

import pytest

from journal.models import Attendance, HistoryEntry, Lesson, Mark
from journal.tests import factories as f
from journal.tests.cast import TODAY

from .conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def grid_setup(teacher, assignment, class_5a, student, quarter):
    f.StudentFactory(school_class=class_5a, user__surname="Яковлев", user__name="Пётр")
    f.StudentFactory(school_class=class_5a, user__surname="Абрамова", user__name="Анна")
    today = TODAY
    lesson = f.LessonFactory(assignment=assignment, date=today, number=1, topic="", homework="")
    return lesson


def test_keyboard_marks_and_attendance(page, grid_setup, teacher, assignment):
    lesson = grid_setup
    login(page, teacher.username)
    page.goto(f"{page.base_url}/journal/a/{assignment.pk}/")
    page.wait_for_selector("#grid")
    # The cursor starts in the first row on the last lesson (today's): type marks and codes going down.
    page.keyboard.press("5")
    page.keyboard.press("4")  # a second mark in the same cell
    page.keyboard.press("ArrowDown")
    page.keyboard.press("h")  # Latin lookalike of «Н»: absent; the cursor moves down
    page.keyboard.press("3")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # details of the first cell
    page.wait_for_selector("dialog#details[open]")
    page.fill("input[name='m-0-comment']", "устный ответ")
    page.click("dialog#details button[type=submit]")
    page.wait_for_selector("dialog#details", state="hidden")
    page.wait_for_function("document.querySelectorAll('#grid td.sv').length === 0")

    page.reload()
    cells = page.locator("#grid tbody tr")
    first = cells.nth(0).locator("td").nth(0).inner_text()
    second = cells.nth(1).locator("td").nth(0).inner_text()
    third = cells.nth(2).locator("td").nth(0).inner_text()
    assert first.replace("\n", "").replace(" ", "") == "54"
    assert "Н" in second
    assert third.strip() == "3"
    assert sorted(Mark.objects.filter(lesson=lesson).values_list("value", flat=True)) == [3, 4, 5]
    assert Mark.objects.get(lesson=lesson, value=5).comment == "устный ответ"
    assert Attendance.objects.get(lesson=lesson).code == "Н"
    assert HistoryEntry.objects.filter(lesson_id=lesson.pk).count() >= 5


def test_all_present_and_topic_from_the_lesson_page(page, grid_setup, teacher, assignment):
    lesson = grid_setup
    login(page, teacher.username)
    page.goto(f"{page.base_url}/journal/a/{assignment.pk}/")
    page.click(f"#grid thead th[data-l='{lesson.pk}']")
    page.wait_for_selector("#id_topic")
    page.fill("#id_topic", "Делимость чисел")
    page.fill("#id_homework", "№ 120, 121")
    page.click("text=Сохранить урок")
    page.wait_for_selector("#grid")
    page.click(f"#grid thead th[data-l='{lesson.pk}']")
    page.click("text=Все присутствуют")
    page.wait_for_selector("#grid")
    assert "Посещаемость урока" in page.content()
    lesson = Lesson.objects.get(pk=lesson.pk)
    assert lesson.topic == "Делимость чисел" and lesson.homework == "№ 120, 121"
    assert lesson.attendance_checked_at is not None


def test_locked_cell_refuses_and_says_why(page, teacher, assignment, student, quarter):
    old = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 5), number=2, topic="Старый урок")
    login(page, teacher.username)
    page.goto(f"{page.base_url}/journal/a/{assignment.pk}/?period={quarter.pk}")
    page.click("#grid tbody tr:first-child td:first-of-type")
    page.keyboard.press("5")
    status = page.locator("#status")
    status.wait_for(state="visible")
    assert "только по заявлению" in status.inner_text()
    assert not Mark.objects.filter(lesson=old).exists()
