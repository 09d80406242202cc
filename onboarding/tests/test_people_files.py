"""People from the lists schools have (issue 20): е and ё, case, double spaces and the name's order are one person
in every import; phones in one format; a Word or .xls list; messages that say what to change."""

import pytest

from journal.models import Guardianship, Student, Teacher, User
from onboarding import imports
from onboarding.imports import names
from onboarding.imports.rows import RowRefused, phone_normalize

from . import shapes
from .conftest import csv_bytes, xlsx

STUDENTS = [
    ["№ личного дела", "ФИО", "Дата рождения", "Класс"],
    ["5А-101", "Ерёменко Алёна Сергеевна", "14.05.2015", "5А"],
    ["5А-102", "Семён Андреевич Фёдоров", "02.02.2015", "5А"],
    ["5А-103", "Иванова  Мария", "03.03.2015", "5 а"],
]


@pytest.fixture
def school_with_students(school, year, sysadmin, today):
    report = imports.people_import(data=xlsx(STUDENTS), filename="s.xlsx", by=sysadmin, dry_run=False)
    assert report.applied, [(r.number, r.details) for r in report.rows]
    return sysadmin


def _parents(sysadmin, rows, **options):
    data = csv_bytes(rows, **options)
    return imports.people_import(data=data, filename="p.csv", by=sysadmin, dry_run=False)


def _refusals(report) -> dict[int, str]:
    return {r.number: " ".join(str(d) for d in r.details) for r in report.rows if r.action == "refuse"}


def test_the_name_order_is_read_from_the_patronymic(school_with_students):
    fedorov = Student.objects.get(record_number="5А-102").user
    assert (fedorov.surname, fedorov.name, fedorov.patronymic) == ("Фёдоров", "Семён", "Андреевич")
    assert Student.objects.get(record_number="5А-103").user.full_name == "Иванова Мария"


def test_parents_find_the_child_whatever_the_spelling(school_with_students):
    report = _parents(
        school_with_students,
        [
            ["ФИО родителя", "ФИО ребёнка", "Класс", "Телефон"],
            ["Еременко Ирина Петровна", "Еременко Алена", "5А", "8 (918) 123-45-67"],
            ["ЕРЕМЕНКО  сергей  ИВАНОВИЧ", "ерёменко  алёна сергеевна", "5 а", "+7 918 765 43 21"],
            ["Фёдорова Ольга Ивановна", "Федоров Семен", "5А", "тел. 8-918-000-11-22"],
            ["Иванов Пётр Ильич", "Мария Иванова", "5А", "9180001133"],
        ],
        encoding="cp1251",
        delimiter=",",
    )

    assert report.applied, _refusals(report)
    alena = Student.objects.get(record_number="5А-101")
    parents = {g.parent.full_name: g.parent.phone for g in Guardianship.objects.filter(student=alena)}
    assert parents == {"Еременко Ирина Петровна": "+79181234567", "Еременко Сергей Иванович": "+79187654321"}
    assert Guardianship.objects.get(student__record_number="5А-102").parent.phone == "+79180001122"
    assert Guardianship.objects.get(student__record_number="5А-103").parent.full_name == "Иванов Пётр Ильич"


def test_a_child_not_found_is_explained_without_wrong_advice(school_with_students):
    report = _parents(
        school_with_students,
        [
            ["ФИО родителя", "ФИО ребёнка", "Класс"],
            ["Еременко Ирина Петровна", "Еременко Алина", "5А"],
            ["Петров Пётр Петрович", "Петров Иван", "5Б"],
        ],
    )
    refused = _refusals(report)
    assert "в 5А нет ученика «Еременко Алина»: есть Ерёменко Алёна Сергеевна" in refused[2]
    assert "загрузите учеников" not in refused[2]
    assert "в 5Б классе" in refused[3] and "нет ни одного ученика" in refused[3]


def test_phones_in_one_format_and_what_cannot_be_one_is_refused(school_with_students):
    report = _parents(
        school_with_students,
        [
            ["ФИО родителя", "ФИО ребёнка", "Класс", "Телефон"],
            ["Еременко Ирина Петровна", "Еременко Алена", "5А", "12-34-56"],
            ["Федорова Ольга Ивановна", "Федоров Семен", "5А", "+7 918 123-45-67, 8 900 000-00-00"],
            ["Иванов Пётр Ильич", "Иванова Мария", "5А", "+7 718 123 45 67"],
        ],
    )
    refused = _refusals(report)
    assert "телефон «12-34-56» не похож на российский" in refused[2] and "+7 918 123-45-67" in refused[2]
    assert "один номер" in refused[3]
    assert "не похож на российский" in refused[4]
    assert not report.applied and not Guardianship.objects.exists()


@pytest.mark.parametrize(
    "text, phone",
    [
        ("+7 (918) 123-45-67", "+79181234567"),
        ("8 918 1234567", "+79181234567"),
        ("9181234567", "+79181234567"),
        ("8 (861) 255-00-00", "+78612550000"),
        ("Моб.: +7 900 000 00 00", "+79000000000"),
        ("", ""),
    ],
)
def test_phone_normalize(text, phone):
    assert phone_normalize(text) == phone


@pytest.mark.parametrize("text", ["123", "+44 20 7946 0958", "8 800 555 35 35 доб. 12", "+7 618 000 00 00"])
def test_phone_normalize_refuses(text):
    with pytest.raises(RowRefused):
        phone_normalize(text)


def test_one_key_for_all_three_imports():
    assert names.person_key("Ерёменко", " Алёна ", "сергеевна") == names.person_key("ЕРЕМЕНКО", "алена", "Сергеевна")
    assert names.same_person(("Ерёменко", "Алёна", ""), ("Алена", "Еременко", ""))
    assert not names.same_person(("Ерёменко", "Алёна", "Сергеевна"), ("Ерёменко", "Алёна", "Петровна"))
    assert names.split_fio("Алёна Сергеевна Ерёменко") == ("Ерёменко", "Алёна", "Сергеевна")
    assert names.split_fio("Мамедов Эльчин Гусейн оглы") == ("Мамедов", "Эльчин", "Гусейн оглы")
    assert names.tidy_name("ПЕТРОВ-ВОДКИН") == "Петров-Водкин"


def test_teachers_are_found_whatever_the_spelling(school, year, sysadmin, today):
    header = ["ФИО", "Должность", "Телефон"]
    first = imports.people_import(
        data=xlsx([header, ["Киселёв Пётр Семёнович", "учитель физики", "+7 918 100-00-09"]]),
        filename="t.xlsx",
        by=sysadmin,
        dry_run=False,
    )
    again = imports.people_import(
        data=xlsx([header, ["КИСЕЛЕВ  ПЕТР СЕМЕНОВИЧ", "учитель физики и астрономии", ""]]),
        filename="t.xlsx",
        by=sysadmin,
        dry_run=False,
    )
    assert first.applied and again.applied and again.rows[0].action == "update"
    assert Teacher.objects.count() == 1
    assert Teacher.objects.get().position == "учитель физики и астрономии"
    assert User.objects.get(teacher__isnull=False).phone == "+79181000009"


def test_students_from_a_word_table_and_an_xls_file(school, year, sysadmin, today):
    rows = [
        ["Список обучающихся 5А класса", None, None, None],
        ["№ личного дела", "ФИО", "Дата рождения", "Класс"],
        *STUDENTS[1:],
        ["Итого: 3 обучающихся", None, None, None],
    ]
    merges = [(0, 0, 0, 3), (len(rows) - 1, 0, len(rows) - 1, 3)]
    for name, data in (
        ("list.docx", shapes.docx_shape(([], (rows, merges)))),
        ("list.xls", shapes.xls_shape((rows, merges))),
    ):
        report = imports.people_import(data=data, filename=name, by=sysadmin, dry_run=True)
        assert report.ok and report.kind == imports.Kind.STUDENTS
        assert [r.person for r in report.rows] == [
            "Ерёменко Алёна Сергеевна",
            "Фёдоров Семён Андреевич",
            "Иванова Мария",
        ]
        assert report.skipped == [(6, "итоговая строка «Итого: 3 обучающихся»")]


def test_an_unknown_file_lists_the_column_names_that_are_accepted(school, year, sysadmin):
    report = imports.people_import(
        data=xlsx([["Ученик", "Группа"], ["Иванов", "1"]]), filename="x.xlsx", by=sysadmin, dry_run=True
    )
    assert "Не удалось понять, кто в файле" in report.error
    assert "Подходящие названия столбцов" in report.error and "«Ф.И.О.»" in report.error
    assert "«№ личного дела ребенка»" in report.error and "«Должность»" in report.error


def test_a_named_kind_without_its_columns_lists_them(school, year, sysadmin):
    report = imports.people_import(
        data=xlsx([["Фамилия", "Имя", "Группа"], ["Иванов", "Иван", "1"]]),
        filename="x.xlsx",
        by=sysadmin,
        kind=imports.Kind.STUDENTS,
        dry_run=True,
    )
    assert "нет столбца «Класс»" in report.error and "одним из имён: «Класс»" in report.error
