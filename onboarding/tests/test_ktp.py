"""КТП: the editing page, the import (good file, broken rows, re-import) and the plan/fact report."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from journal.models import Lesson, PlannedTopic
from journal.tests import factories as f
from onboarding import ktp, services

from .conftest import csv_bytes, sample, xlsx

HEADER = ["№ п/п", "Тема урока", "Кол-во часов", "Дата проведения"]


def _file(topics: list[tuple[str, int, str]]) -> bytes:
    rows = [["Календарно-тематическое планирование"], ["Математика, 5 класс"], [], HEADER]
    rows += [[n, title, hours, day] for n, (title, hours, day) in enumerate(topics, start=1)]
    return xlsx(rows)


def _titles(assignment) -> list[str]:
    return list(PlannedTopic.objects.filter(assignment=assignment).order_by("position").values_list("title", flat=True))


def _import(assignment, data: bytes, name: str = "ktp.xlsx", dry_run: bool = False):
    parsed = ktp.parse_ktp(data, name, assignment=assignment)
    assert parsed.errors == []
    return services.ktp_replace(assignment=assignment, topics=parsed.topics, dry_run=dry_run)


def test_a_good_file_with_a_title_block_and_sections(assignment):
    data = xlsx(
        [
            ["Утверждаю: директор МАОУ СОШ № 84"],
            [],
            ["№", "Тема", "Часы", "Дата", "Вид работы"],
            ["", "Раздел 1. Натуральные числа", "", "", ""],
            [1, "Ряд натуральных чисел", 1, "01.09.2026", ""],
            [2, "Координатный луч", "2", datetime.datetime(2026, 9, 2), ""],
            [3, "Контрольная работа № 1", 1, "03.09", "Контрольная работа"],
        ]
    )
    parsed = ktp.parse_ktp(data, "plan.xlsx", assignment=assignment)

    assert parsed.errors == [] and parsed.header_row == 3
    assert parsed.sections == [(4, "Раздел 1. Натуральные числа")]
    assert [(t.row, t.title, t.hours, t.planned_date) for t in parsed.topics] == [
        (5, "Ряд натуральных чисел", 1, datetime.date(2026, 9, 1)),
        (6, "Координатный луч", 2, datetime.date(2026, 9, 2)),
        (7, "Контрольная работа № 1", 1, datetime.date(2026, 9, 3)),
    ]
    assert parsed.topics[2].work_type.name == "Контрольная работа"


def test_broken_rows_are_listed_with_their_row_numbers_and_nothing_changes(assignment):
    f.PlannedTopicFactory(assignment=assignment, position=1, title="Старая тема")
    data = xlsx(
        [
            HEADER,
            [1, "Ряд натуральных чисел", 1, "01.09.2026"],
            [2, "", 1, "02.09.2026"],
            [3, "Координатный луч", "два", "03.09.2026"],
            [4, "Сравнение чисел", 1, "31.02.2026"],
            [5, "Округление", 1, "01.09.2030"],
            [6, "Сложение", 0, ""],
        ]
    )
    parsed = ktp.parse_ktp(data, "plan.xlsx", assignment=assignment)

    rows = dict(parsed.errors)
    assert sorted(rows) == [3, 4, 5, 6, 7]
    assert "нет темы" in rows[3]
    assert "не число" in rows[4]
    assert "не распознана" in rows[5]
    assert "вне учебного года" in rows[6]
    assert "от 1 до" in rows[7]
    assert not parsed.ok
    assert _titles(assignment) == ["Старая тема"]


def test_the_import_page_shows_the_errors_and_writes_nothing(client_for, teacher, assignment):
    data = xlsx([HEADER, [1, "Тема", "x", ""]])
    upload = SimpleUploadedFile("plan.xlsx", data)
    response = client_for(teacher).post(f"/plan/ktp/{assignment.pk}/import/", {"file": upload, "action": "import"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "строка 2" in page and "не число" in page
    assert not PlannedTopic.objects.exists()


def test_the_import_page_loads_the_sample_file(client_for, teacher, assignment):
    client = client_for(teacher)
    check = client.post(
        f"/plan/ktp/{assignment.pk}/import/", {"file": SimpleUploadedFile("ktp.xlsx", sample("ktp.xlsx"))}
    )
    assert "ничего не записано" in check.content.decode()
    assert not PlannedTopic.objects.exists()
    response = client.post(
        f"/plan/ktp/{assignment.pk}/import/",
        {"file": SimpleUploadedFile("ktp.csv", sample("ktp.csv")), "action": "import"},
    )
    assert response.status_code == 302
    assert PlannedTopic.objects.filter(assignment=assignment).count() == 21
    first = PlannedTopic.objects.get(assignment=assignment, position=1)
    assert first.planned_date == datetime.date(2026, 9, 1)


def test_reimport_replaces_unused_topics_and_keeps_used_ones(assignment):
    _import(assignment, _file([("Тема 1", 1, "01.09.2026"), ("Тема 2", 1, "02.09.2026"), ("Тема 3", 1, "")]))
    used = PlannedTopic.objects.get(assignment=assignment, title="Тема 2")
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 9, 2), planned_topic=used, topic="Тема 2")

    preview = _import(assignment, _file([("Новая 1", 1, ""), ("Новая 2", 2, "")]), dry_run=True)
    assert (preview.created, preview.kept, preview.deleted) == (
        ["Новая 1", "Новая 2"],
        ["Тема 2"],
        ["Тема 1", "Тема 3"],
    )
    assert _titles(assignment) == ["Тема 1", "Тема 2", "Тема 3"]

    _import(assignment, _file([("Новая 1", 1, ""), ("Новая 2", 2, "")]))
    assert _titles(assignment) == ["Новая 1", "Новая 2", "Тема 2"]
    assert Lesson.objects.get(pk=lesson.pk).planned_topic_id == used.pk

    result = _import(assignment, _file([("тема 2", 3, "02.09.2026"), ("Новая 3", 1, "")]))
    assert result.updated == ["тема 2"]
    assert _titles(assignment) == ["тема 2", "Новая 3"]
    used.refresh_from_db()
    assert (used.position, used.hours) == (1, 3)
    assert Lesson.objects.get(pk=lesson.pk).planned_topic_id == used.pk


def test_reimport_of_the_same_file_gives_the_same_plan(assignment):
    data = sample("ktp.xlsx")
    _import(assignment, data)
    first = list(PlannedTopic.objects.filter(assignment=assignment).values_list("position", "title", "hours"))
    _import(assignment, data)
    assert list(PlannedTopic.objects.filter(assignment=assignment).values_list("position", "title", "hours")) == first


def test_a_cp1251_csv_with_commas(assignment):
    data = csv_bytes([["№", "Тема", "Часы", "Дата"], [1, "Дроби", 2, "10.11.2026"]], encoding="cp1251", delimiter=",")
    parsed = ktp.parse_ktp(data, "plan.csv", assignment=assignment)
    assert [(t.title, t.hours, t.planned_date) for t in parsed.topics] == [("Дроби", 2, datetime.date(2026, 11, 10))]


def test_a_file_without_a_header_is_explained(assignment):
    parsed = ktp.parse_ktp(xlsx([["a", "b"], [1, 2]]), "plan.xlsx", assignment=assignment)
    assert "строка заголовка" in parsed.errors[0][1]


def test_the_command(assignment, tmp_path, capsys):
    path = tmp_path / "ktp.xlsx"
    path.write_bytes(sample("ktp.xlsx"))
    call_command("import_ktp", str(path), "--assignment", str(assignment.pk), "--dry-run")
    assert not PlannedTopic.objects.exists()
    call_command("import_ktp", str(path), "--assignment", str(assignment.pk))
    assert "новых тем 21" in capsys.readouterr().out
    assert PlannedTopic.objects.filter(assignment=assignment).count() == 21


def test_edit_reorder_and_delete_on_the_page(client_for, teacher, assignment):
    client = client_for(teacher)
    for title in ("Первая", "Вторая", "Третья"):
        client.post(f"/plan/ktp/{assignment.pk}/", {"title": title, "hours": "1"})
    assert _titles(assignment) == ["Первая", "Вторая", "Третья"]
    third = PlannedTopic.objects.get(title="Третья")
    client.post(f"/plan/ktp/topic/{third.pk}/move/", {"direction": "up"})
    assert _titles(assignment) == ["Первая", "Третья", "Вторая"]
    first = PlannedTopic.objects.get(title="Первая")
    client.post(f"/plan/ktp/{assignment.pk}/", {"title": "После первой", "hours": "2", "after": first.pk})
    assert _titles(assignment) == ["Первая", "После первой", "Третья", "Вторая"]
    client.post(f"/plan/ktp/topic/{third.pk}/", {"title": "Третья (изменена)", "hours": "2", "planned_date": ""})
    client.post(f"/plan/ktp/topic/{first.pk}/delete/")
    assert _titles(assignment) == ["После первой", "Третья (изменена)", "Вторая"]
    assert list(PlannedTopic.objects.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


def test_a_used_topic_is_not_deleted(client_for, teacher, assignment):
    topic = f.PlannedTopicFactory(assignment=assignment, position=1, title="Взята уроком")
    f.LessonFactory(assignment=assignment, planned_topic=topic)
    response = client_for(teacher).post(f"/plan/ktp/topic/{topic.pk}/delete/", follow=True)
    assert "удалить её нельзя" in response.content.decode()
    assert PlannedTopic.objects.filter(pk=topic.pk).exists()


def test_the_report_of_planned_and_held(assignment, today, client_for, teacher):
    held = f.PlannedTopicFactory(
        assignment=assignment, position=1, title="Проведена", hours=2, planned_date=datetime.date(2026, 11, 10)
    )
    f.PlannedTopicFactory(
        assignment=assignment, position=2, title="Пропущена", hours=1, planned_date=datetime.date(2026, 11, 12)
    )
    f.PlannedTopicFactory(
        assignment=assignment, position=3, title="Впереди", hours=1, planned_date=datetime.date(2026, 12, 10)
    )
    f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 10), planned_topic=held, topic="Проведена")
    f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 11), topic="Экскурсия в музей")
    f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 13), topic="")

    report = ktp.ktp_report(assignment=assignment)

    assert (report.planned_hours, report.planned_hours_to_date) == (4, 3)
    assert (report.held_lessons, report.held_from_plan, report.without_topic) == (3, 1, 1)
    assert [t.title for t in report.skipped] == ["Пропущена"]
    assert [lesson.topic for lesson in report.added] == ["Экскурсия в музей"]
    page = client_for(teacher).get(f"/plan/ktp/{assignment.pk}/report/").content.decode()
    assert "Пропущена" in page and "Экскурсия в музей" in page
