"""КТП from the files teachers really have (issue 20): the constructor's поурочное and тематическое планирование
as .xlsx, .xls, .docx and CSV, a school's template with «план | факт», a Word КТП, the «Название раздела» file,
weeks of a month. Each imports correctly or is refused with what to change — never imported wrongly."""

import datetime
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from journal.models import PlannedTopic
from journal.tests import factories as f
from onboarding import ktp, services

from . import shapes
from .conftest import csv_bytes, sample, xlsx

LESSONS_CAPTION = ["ПОУРОЧНОЕ ПЛАНИРОВАНИЕ", "5 КЛАСС"]
THEMATIC_CAPTION = ["ТЕМАТИЧЕСКОЕ ПЛАНИРОВАНИЕ", "5 КЛАСС"]


@functools.cache
def _programme_docx() -> bytes:
    """A work programme from the constructor: the approvals block, both planning tables, each under its heading."""
    approvals = ([["РАССМОТРЕНО", "СОГЛАСОВАНО", "УТВЕРЖДЕНО"]], [])
    return shapes.docx_shape(
        (["МАОУ СОШ № 84"], approvals),
        (["ПЛАНИРУЕМЫЕ РЕЗУЛЬТАТЫ", *THEMATIC_CAPTION], shapes.constructor_thematic()),
        (LESSONS_CAPTION, shapes.constructor_lessons()),
        before=["РАБОЧАЯ ПРОГРАММА", "учебного предмета «Математика»"],
    )


def _plan(assignment) -> list[tuple]:
    return list(
        PlannedTopic.objects.filter(assignment=assignment)
        .order_by("position")
        .values_list("position", "section", "title", "hours", "planned_date", "assessed_work_type__name")
    )


def _errors(parsed) -> str:
    return " | ".join(message for _row, message in parsed.errors)


def _old_ktp(assignment, n: int = 105) -> None:
    for position in range(1, n + 1):
        f.PlannedTopicFactory(assignment=assignment, position=position, title=f"Старая тема {position}")


# --- The constructor's поурочное планирование ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, build",
    [
        ("rp.xlsx", lambda: shapes.xlsx_shape(shapes.constructor_lessons(), title_rows=["ПОУРОЧНОЕ ПЛАНИРОВАНИЕ"])),
        ("rp.xls", lambda: shapes.xls_shape(shapes.constructor_lessons())),
        ("rp.docx", _programme_docx),
        ("rp.csv", lambda: shapes.csv_shape(shapes.constructor_lessons(), encoding="cp1251")),
        ("rp.csv", lambda: shapes.csv_shape(shapes.constructor_lessons(), encoding="utf-8", delimiter=",")),
    ],
    ids=["xlsx", "xls", "docx", "csv-cp1251", "csv-comma"],
)
def test_the_constructors_lesson_plan_imports_as_lessons_with_its_works(assignment, name, build):
    parsed = ktp.parse_ktp(build(), name, assignment=assignment)

    assert parsed.errors == [] and parsed.kind == ktp.Kind.LESSONS
    assert len(parsed.topics) == shapes.MATH_5_HOURS and parsed.hours == shapes.MATH_5_HOURS
    assert parsed.topics[0].title == "Десятичная система счисления (урок 1 из 41)"
    works = [t.work_type.name for t in parsed.topics if t.work_type]
    assert works.count("Контрольная работа") == shapes.MATH_5_CONTROL
    assert works.count("Практическая работа") == shapes.MATH_5_PRACTICE
    assert parsed.topics[41].title.startswith("Контрольная работа № 1") and parsed.topics[41].work_type.name == (
        "Контрольная работа"
    )
    assert all(t.planned_date is None for t in parsed.topics)  # «Дата изучения» is empty in the constructor
    # The closing total is not a lesson, and the teacher is told it was skipped and why.
    assert not any("ОБЩЕЕ" in t.title.upper() for t in parsed.topics)
    assert any("итоговая строка" in why for _row, why in parsed.skipped)
    assert any("Электронные цифровые образовательные ресурсы" in note for note in parsed.notes)


def test_the_docx_programme_gives_the_lesson_table_not_the_thematic_one(assignment):
    parsed = ktp.parse_ktp(_programme_docx(), "rp.docx", assignment=assignment)
    assert parsed.where == "таблица 3 документа" and parsed.header_row == 1
    assert "ПОУРОЧНОЕ ПЛАНИРОВАНИЕ 5 КЛАСС" in parsed.notes[0]


def test_a_programme_for_grades_5_to_6_gives_the_table_of_the_assignments_grade(assignment):
    rows, merges = shapes.constructor_lessons()
    sixth = (
        [row[:1] + [f"6 класс: {row[1]}" if isinstance(row[0], int) else row[1]] + row[2:] for row in rows],
        merges,
    )
    data = shapes.docx_shape((["ПОУРОЧНОЕ ПЛАНИРОВАНИЕ", "6 КЛАСС"], sixth), (LESSONS_CAPTION, (rows, merges)))
    parsed = ktp.parse_ktp(data, "rp.docx", assignment=assignment)
    assert parsed.errors == [] and parsed.where == "таблица 2 документа"
    assert not parsed.topics[0].title.startswith("6 класс")

    only_sixth = shapes.docx_shape((["ПОУРОЧНОЕ ПЛАНИРОВАНИЕ", "6 КЛАСС"], sixth))
    refused = ktp.parse_ktp(only_sixth, "rp.docx", assignment=assignment)
    assert "для 6 класса, а нагрузка — 5 класс" in _errors(refused) and not refused.topics


def test_the_clones_one_row_lesson_table(assignment):
    parsed = ktp.parse_ktp(shapes.xlsx_shape(shapes.clone_lessons()), "lessons.xlsx", assignment=assignment)
    assert parsed.errors == [] and len(parsed.topics) == 12
    assert [row for row, _why in parsed.skipped] == [14]


# --- The constructor's тематическое планирование ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, build",
    [
        ("tp.xlsx", lambda: shapes.xlsx_shape(shapes.constructor_thematic())),
        ("tp.docx", lambda: shapes.docx_shape((THEMATIC_CAPTION, shapes.constructor_thematic()))),
        ("tp.csv", lambda: shapes.csv_shape(shapes.constructor_thematic())),
    ],
    ids=["xlsx", "docx", "csv"],
)
def test_the_thematic_plan_is_refused_with_why_and_nothing_changes(assignment, name, build):
    _old_ktp(assignment)
    outcome = services.ktp_import(assignment=assignment, data=build(), filename=name, dry_run=False)

    assert outcome.result is None and outcome.parsed.kind == ktp.Kind.THEMATIC
    message = _errors(outcome.parsed)
    assert "Это тематическое планирование, а не поурочное" in message
    assert "7 тем по 9–48 ч, всего 170 ч" in message and "Разбить темы на уроки по часам" in message
    assert PlannedTopic.objects.filter(assignment=assignment).count() == 105


def test_the_thematic_plan_spread_into_lessons_when_asked(assignment):
    data = shapes.xlsx_shape(shapes.constructor_thematic())
    outcome = services.ktp_import(assignment=assignment, data=data, filename="tp.xlsx", spread=True, dry_run=False)

    assert outcome.applied and outcome.parsed.spread
    plan = _plan(assignment)
    assert len(plan) == 170 and all(hours == 1 for _p, _s, _t, hours, _d, _w in plan)
    first_topic = [row for row in plan if row[1] == "Натуральные числа. Действия с натуральными числами"]
    assert len(first_topic) == 43
    assert first_topic[0][2] == "Натуральные числа. Действия с натуральными числами (урок 1 из 43)"
    works = [w for *_rest, w in plan if w]
    assert works.count("Контрольная работа") == 7 and works.count("Практическая работа") == 4
    assert [title for _p, _s, title, *_rest in first_topic[-2:]] == [
        "Контрольная работа № 1 по теме «Натуральные числа. Действия с натуральными числами»",
        "Контрольная работа № 2 по теме «Натуральные числа. Действия с натуральными числами»",
    ]


def test_the_clones_thematic_plan_with_content_spreads_into_named_lessons(assignment):
    data = shapes.xlsx_shape(shapes.clone_thematic())
    refused = ktp.parse_ktp(data, "tp.xlsx", assignment=assignment)
    assert "столбец «Программное содержание»" in _errors(refused)

    parsed = ktp.parse_ktp(data, "tp.xlsx", assignment=assignment, spread=True)
    assert parsed.errors == [] and len(parsed.topics) == 43 + 48 + 12
    assert [title for _row, title in parsed.sections] == ["Раздел 1. Числа", "Раздел 2. Наглядная геометрия"]
    geometry = [t for t in parsed.topics if t.section == "Раздел 2. Наглядная геометрия"]
    assert len(geometry) == 12
    assert {t.title for t in geometry if t.work_type} == {
        "Практическая работа «Построение узора из окружностей»",
        "Практическая работа «Построение углов»",
    }
    assert parsed.topics[0].title.startswith("Десятичная система счисления")
    assert len({t.title for t in parsed.topics}) == len(parsed.topics)  # no two lessons called alike
    assert sum(1 for _row, why in parsed.skipped if "Итого по разделу" in why) == 2


def test_totals_and_big_topics_are_never_lessons(assignment):
    """«Итого по разделу» in the topic column, and a thematic plan under a КТП's header."""
    data = xlsx(
        [
            ["№", "Тема", "Часы"],
            [1, "Натуральные числа", 43],
            [2, "Линии на плоскости", 12],
            ["", "Итого по разделу", 55],
            ["", "ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ", 170],
        ]
    )
    parsed = ktp.parse_ktp(data, "plan.xlsx", assignment=assignment)
    assert parsed.kind == ktp.Kind.THEMATIC and not parsed.topics
    assert "в строке 2 на одну тему 43 ч" in _errors(parsed)
    assert [row for row, _why in parsed.skipped] == [4, 5]


# --- A school's КТП ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, build",
    [
        ("ktp.xlsx", lambda: shapes.xlsx_shape(shapes.school_ktp())),
        ("ktp.xls", lambda: shapes.xls_shape(shapes.school_ktp())),
        ("ktp.csv", lambda: shapes.csv_shape(shapes.school_ktp(merged=False), encoding="cp1251")),
        ("ktp.docx", lambda: shapes.docx_shape(([], shapes.school_ktp()))),
    ],
    ids=["xlsx", "xls", "csv-cp1251", "docx"],
)
def test_a_school_template_with_plan_and_fact(assignment, name, build):
    parsed = ktp.parse_ktp(build(), name, assignment=assignment)

    assert parsed.errors == [], parsed.errors
    got = [(t.section.split(".")[1].strip(), t.title, t.hours, t.planned_date.isoformat()) for t in parsed.topics]
    assert got == shapes.SCHOOL_KTP_TOPICS
    # «Контрольная работа № 1 …» plans a control work; «к/р» in «Примечание» is not read.
    assert [t.work_type and t.work_type.name for t in parsed.topics] == [
        None,
        None,
        "Контрольная работа",
        None,
        "Практическая работа",
    ]
    assert [row for row, _title in parsed.sections] == [6, 11]
    assert {why.split(" «")[0] for _row, why in parsed.skipped} == {"итоговая строка"}
    assert any("Дата / факт" in note for note in parsed.notes)


def test_a_word_ktp_with_a_week_merged_over_its_lessons(assignment):
    rows = [
        ["№", "Тема урока", "Кол-во часов", "Дата проведения", "Вид работы"],
        ["1", "2", "3", "4", "5"],
        ["Модуль «Натуральные числа»", None, None, None, None],
        ["1", "Десятичная система счисления", "1", "1 неделя сентября", ""],
        ["2", "Ряд натуральных чисел", "1", None, "С/р"],
        ["3", "Натуральный ряд", "1", "2 неделя сентября", "К/р"],
        ["Октябрь", None, None, None, None],
        ["4", "Число 0", "1", "I нед. октября", ""],
        ["5", "Сравнение чисел", "1ч.", "сентябрь, 3 неделя", ""],
    ]
    merges = [(2, 0, 2, 4), (3, 3, 4, 3), (6, 0, 6, 4)]
    data = shapes.docx_shape(
        ([], (rows, merges)), before=["Календарно-тематическое планирование", "Математика, 5 класс"]
    )

    parsed = ktp.parse_ktp(data, "ktp.docx", assignment=assignment)

    assert parsed.errors == []
    assert [(t.title, t.planned_date, t.work_type and t.work_type.name) for t in parsed.topics] == [
        ("Десятичная система счисления", datetime.date(2026, 9, 1), None),
        ("Ряд натуральных чисел", datetime.date(2026, 9, 1), "Самостоятельная работа"),
        ("Натуральный ряд", datetime.date(2026, 9, 7), "Контрольная работа"),
        ("Число 0", datetime.date(2026, 10, 1), None),
        ("Сравнение чисел", datetime.date(2026, 9, 14), None),
    ]
    assert {t.section for t in parsed.topics} == {"Модуль «Натуральные числа»"}
    assert [why for _row, why in parsed.skipped] == ["номера столбцов", "заголовок месяца или четверти «Октябрь»"]


def test_dates_in_the_schools_notations(assignment):
    data = csv_bytes(
        [
            ["№", "Тема", "Часы", "Сроки"],
            [1, "Тема 1", 1, "01.09"],
            [2, "Тема 2", 3, "01.09–05.09"],
            [3, "Тема 3", 2, "7-8.09"],
            [4, "Тема 4", 1, "1 сентября"],
            [5, "Тема 5", 1, "1-я неделя сентября"],
            [6, "Тема 6", 1, "2026-09-10"],
            [7, "Тема 7", 1, ""],
            [8, "Тема 8", 1, "12.01"],
        ]
    )
    parsed = ktp.parse_ktp(data, "plan.csv", assignment=assignment)
    assert parsed.errors == []
    assert [t.planned_date for t in parsed.topics] == [
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 7),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 10),
        None,
        datetime.date(2027, 1, 12),
    ]


def test_a_date_that_is_no_date_says_what_to_write(assignment):
    data = csv_bytes([["№", "Тема", "Дата"], [1, "Тема", "первая неделя"], [2, "Тема 2", "6 неделя сентября"]])
    parsed = ktp.parse_ktp(data, "plan.csv", assignment=assignment)
    rows = dict(parsed.errors)
    assert "Дата «первая неделя» не распознана" in rows[2] and "«1 неделя сентября»" in rows[2]
    assert "нет 6-й недели" in rows[3]


def test_the_file_whose_topic_column_is_called_section_name(assignment):
    data = xlsx(
        [
            ["Рабочая программа по истории, 5 класс"],
            ["№ урока", "Название раздела", "Кол-во часов", "Дата"],
            [1, "Введение. Что изучает история", 1, "02.09.2026"],
            [2, "Счёт лет в истории", 1, "04.09.2026"],
        ]
    )
    parsed = ktp.parse_ktp(data, "history.xlsx", assignment=assignment)
    assert parsed.errors == [] and [t.title for t in parsed.topics] == [
        "Введение. Что изучает история",
        "Счёт лет в истории",
    ]
    assert "Темы уроков взяты из столбца «Название раздела»" in parsed.notes[0]


def test_no_topic_column_lists_the_names_that_are_accepted(assignment):
    data = xlsx([["№", "Урок", "Часы", "Дата"], [1, "Введение", 1, "02.09.2026"]])
    parsed = ktp.parse_ktp(data, "plan.xlsx", assignment=assignment)
    message = _errors(parsed)
    assert "нет столбца «Тема»" in message
    assert "одним из имён: «Тема», «Тема урока»" in message
    assert "Ближе всего строка 1, в ней столбцы: «№», «Урок», «Часы», «Дата»" in message


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("plan.docx", b"PK\x03\x04not a zip at all", "ни на таблицу Excel, ни на документ Word"),
        ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Старый формат Word (.doc)"),
        ("plan.pdf", b"%PDF-1.7\n", "PDF не читается"),
        ("plan.xls", b"<html><table><tr><td>1</td></tr></table></html>", "веб-страница"),
    ],
)
def test_files_that_are_not_tables_are_explained_in_russian(assignment, name, data, expected):
    parsed = ktp.parse_ktp(data, name, assignment=assignment)
    assert expected in _errors(parsed)
    assert not any(word in _errors(parsed) for word in ("File", "zip", "Error", "error"))


def test_a_word_file_without_a_table(assignment):
    import docx

    document = docx.Document()
    document.add_paragraph("Календарно-тематическое планирование")
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    assert "нет таблицы" in _errors(ktp.parse_ktp(buffer.getvalue(), "plan.docx", assignment=assignment))


# --- The preview, the page and the command -------------------------------------------------------------------


def test_the_preview_shows_what_is_created_changed_and_removed_and_writes_nothing(assignment):
    f.PlannedTopicFactory(assignment=assignment, position=1, title="Десятичная система счисления", hours=2)
    f.PlannedTopicFactory(assignment=assignment, position=2, title="Лишняя тема")
    used = f.PlannedTopicFactory(assignment=assignment, position=3, title="Взята уроком")
    f.LessonFactory(assignment=assignment, planned_topic=used, topic=used.title)
    before = _plan(assignment)

    outcome = services.ktp_import(
        assignment=assignment, data=shapes.xlsx_shape(shapes.school_ktp()), filename="ktp.xlsx", dry_run=True
    )

    assert _plan(assignment) == before
    result = outcome.result
    assert (len(result.created), result.updated, result.kept, result.deleted) == (
        4,
        ["Десятичная система счисления"],
        ["Взята уроком"],
        ["Лишняя тема"],
    )
    assert result.changes[0][1][0] == "часы: 2 → 1"
    lines = outcome.lines()
    assert "~ Десятичная система счисления (1 ч, 01.09.2026, раздел «Раздел 1. Натуральные числа. Действия с" in (
        " ".join(lines)
    )
    assert "удалится: Лишняя тема" in lines and "останется (уже в уроках): Взята уроком" in lines


def test_the_page_previews_then_imports_the_same_file_as_the_command(
    client_for, teacher, assignment, other_teacher, other_assignment, tmp_path, capsys
):
    data = _programme_docx()
    client = client_for(teacher)
    page = client.post(
        f"/plan/ktp/{assignment.pk}/import/", {"file": SimpleUploadedFile("rp.docx", data), "action": "check"}
    )
    html = page.content.decode()
    assert not PlannedTopic.objects.exists()
    path = tmp_path / "rp.docx"
    path.write_bytes(data)
    call_command("import_ktp", str(path), "--assignment", str(other_assignment.pk), "--dry-run")
    printed = capsys.readouterr().out
    summary = printed.strip().splitlines()[-1]
    assert summary.startswith("Проверка, ничего не записано. Будет новых тем: 170") and summary in html
    assert html.count('class="plan-create"') == 170
    assert not PlannedTopic.objects.exists()

    token = page.context["token"]
    done = client.post(f"/plan/ktp/{assignment.pk}/import/", {"token": token})
    assert done.status_code == 302
    call_command("import_ktp", str(path), "--assignment", str(other_assignment.pk))
    mine = [row[1:] for row in _plan(assignment)]
    assert len(mine) == 170 and mine == [row[1:] for row in _plan(other_assignment)]
    # The token is spent: a second «Загрузить» does not import again.
    again = client.post(f"/plan/ktp/{assignment.pk}/import/", {"token": token}, follow=True)
    assert "больше не хранится" in again.content.decode()


def test_another_teachers_token_does_not_apply(client_for, teacher, assignment, other_teacher, other_assignment):
    page = client_for(teacher).post(
        f"/plan/ktp/{assignment.pk}/import/",
        {"file": SimpleUploadedFile("ktp.xlsx", shapes.xlsx_shape(shapes.school_ktp()))},
    )
    response = client_for(other_teacher).post(
        f"/plan/ktp/{other_assignment.pk}/import/", {"token": page.context["token"]}, follow=True
    )
    assert "больше не хранится" in response.content.decode()
    assert not PlannedTopic.objects.exists()


def test_the_page_and_the_command_refuse_the_thematic_plan_alike(client_for, teacher, assignment, tmp_path, capsys):
    data = shapes.docx_shape((THEMATIC_CAPTION, shapes.constructor_thematic()))
    html = (
        client_for(teacher)
        .post(f"/plan/ktp/{assignment.pk}/import/", {"file": SimpleUploadedFile("tp.docx", data)})
        .content.decode()
    )
    path = tmp_path / "tp.docx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_ktp", str(path), "--assignment", str(assignment.pk))
    err = capsys.readouterr().err
    reason = next(line for line in err.splitlines() if "тематическое планирование" in line)
    assert reason in html.replace("&quot;", '"').replace("&#x27;", "'").replace("&laquo;", "«")

    call_command("import_ktp", str(path), "--assignment", str(assignment.pk), "--spread")
    assert PlannedTopic.objects.filter(assignment=assignment).count() == 170


def test_sections_are_shown_on_the_ktp_page(client_for, teacher, assignment):
    services.ktp_import(
        assignment=assignment, data=shapes.xlsx_shape(shapes.school_ktp()), filename="ktp.xlsx", dry_run=False
    )
    page = client_for(teacher).get(f"/plan/ktp/{assignment.pk}/").content.decode()
    assert page.count("Раздел 1. Натуральные числа. Действия с натуральными числами (43 ч)") == 1
    assert "Раздел 2. Наглядная геометрия. Линии на плоскости (12 ч)" in page


def test_editing_a_topic_keeps_its_section(client_for, teacher, assignment):
    topic = f.PlannedTopicFactory(assignment=assignment, position=1, title="Ряд чисел", section="Раздел 1. Числа")
    form = client_for(teacher).get(f"/plan/ktp/topic/{topic.pk}/").content.decode()
    assert 'value="Раздел 1. Числа"' in form
    client_for(teacher).post(
        f"/plan/ktp/topic/{topic.pk}/", {"title": "Ряд натуральных чисел", "hours": "1", "section": "Раздел 1. Числа"}
    )
    topic.refresh_from_db()
    assert (topic.title, topic.section) == ("Ряд натуральных чисел", "Раздел 1. Числа")


def test_the_sample_files_give_one_plan(assignment):
    """samples/: the school's template and the constructor's Word table hold the lessons of samples/ktp.xlsx."""
    plain = ktp.parse_ktp(sample("ktp.xlsx"), "ktp.xlsx", assignment=assignment)
    school = ktp.parse_ktp(sample("ktp_school.xlsx"), "ktp_school.xlsx", assignment=assignment)
    constructor = ktp.parse_ktp(sample("ktp_constructor.docx"), "ktp_constructor.docx", assignment=assignment)

    assert plain.errors == school.errors == constructor.errors == []
    titles = [(t.title, t.hours, t.work_type and t.work_type.name) for t in plain.topics]
    assert len(titles) == 21
    assert [(t.title, t.hours, t.work_type and t.work_type.name) for t in school.topics] == titles
    assert [(t.title, t.hours, t.work_type and t.work_type.name) for t in constructor.topics] == titles
    assert [t.planned_date for t in school.topics] == [t.planned_date for t in plain.topics]
    assert [t.section for t in school.topics] == [t.section for t in plain.topics]
    assert len(school.sections) == 3 and len(school.skipped) == 3
    assert len(constructor.skipped) == 1
