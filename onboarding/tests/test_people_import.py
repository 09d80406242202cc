"""Import of people: dry run writes nothing, the import is all-or-nothing, re-import changes nothing."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from journal.models import Guardianship, Role, SchoolClass, Student, Subject, Teacher, TeachingAssignment, User
from onboarding import imports

from .conftest import csv_bytes, sample, xlsx


def _run(name: str, sysadmin, *, dry_run: bool = False, kind=None, data=None):
    return imports.people_import(
        data=data if data is not None else sample(name), filename=name, by=sysadmin, kind=kind, dry_run=dry_run
    )


def _snapshot():
    return (
        sorted(User.objects.values_list("username", "surname", "name", "patronymic", "email", "phone")),
        sorted(Student.objects.values_list("record_number", "school_class_id", "birth_date", "gender", "address")),
        sorted(Guardianship.objects.values_list("parent_id", "student_id", "status", "application_number")),
        sorted(TeachingAssignment.objects.values_list("teacher_id", "school_class_id", "subject_id", "hours_per_week")),
        sorted(Teacher.objects.values_list("user_id", "position", "category", "experience_years")),
        sorted(SchoolClass.objects.values_list("grade", "letter", "class_teacher_id")),
    )


@pytest.fixture
def onboarding(school, year, sysadmin, today):
    """An empty school: a card, a year, the sysadmin — nothing else."""
    return sysadmin


@pytest.fixture
def onboarded(onboarding):
    for name in ("people_teachers.xlsx", "people_students.xlsx", "people_parents.xlsx"):
        report = _run(name, onboarding)
        assert report.applied, [(r.number, r.details) for r in report.rows if r.action == "refuse"]
    return onboarding


def test_the_kind_of_file_is_found_from_its_columns(onboarding):
    assert imports.detect_kind(sample("people_students.xlsx"), "s.xlsx") == imports.Kind.STUDENTS
    assert imports.detect_kind(sample("people_parents.csv"), "p.csv") == imports.Kind.PARENTS
    assert imports.detect_kind(sample("people_teachers.xlsx"), "t.xlsx") == imports.Kind.TEACHERS


def test_a_dry_run_reports_every_row_and_writes_nothing(onboarding):
    before = _snapshot()
    report = _run("people_students.xlsx", onboarding, dry_run=True)
    assert report.ok and not report.applied
    assert [r.action for r in report.rows] == ["create"] * 12
    assert report.rows[0].number == 5  # two title rows, an empty row and the header come first
    assert "логин alekseev.tr" in report.rows[0].details[0]
    assert "создаётся класс 5А" in " ".join(report.rows[0].details)
    assert _snapshot() == before


def test_the_import_creates_people_and_links_them(onboarded):
    student = Student.objects.select_related("user", "school_class").get(record_number="5А-001")
    assert (student.user.full_name, str(student.school_class), student.birth_date, student.gender) == (
        "Алексеев Тимофей Романович",
        "5А",
        datetime.date(2015, 3, 12),
        "m",
    )
    assert student.user.has_perm("journal.view_diary", student)
    assert not student.user.has_usable_password() and student.user.must_change_password
    ilina = User.objects.get(email="ilina.ep@mail.example")
    assert sorted(g.student.record_number for g in Guardianship.objects.filter(parent=ilina)) == ["5А-002", "5Б-002"]
    assert set(Guardianship.objects.values_list("status", flat=True)) == {Guardianship.Status.APPLIED}
    assert not ilina.has_perm("journal.view_diary", student)  # access only once the application is approved
    orlova = User.objects.get(email="orlova.gp@school84.example")
    assert orlova.username == "orlova.gp" and orlova.teacher.category == Teacher.Category.HIGHEST
    assert sorted(str(a.school_class) for a in orlova.assignments.all()) == ["5А", "5Б"]
    assert SchoolClass.objects.get(grade=5, letter="А").class_teacher == orlova
    assert orlova.has_role(Role.CLASS_TEACHER)
    belov = User.objects.get(email="belov.is@school84.example")
    assert sorted(belov.teacher.subjects.values_list("name", flat=True)) == ["Литература", "Русский язык"]
    assert Subject.objects.get(name="Русский язык").is_russian_or_literature


def test_reimporting_the_same_files_changes_nothing(onboarded):
    before = _snapshot()
    for name in ("people_teachers.csv", "people_students.csv", "people_parents.csv"):
        report = _run(name, onboarded)
        assert report.applied
        assert {r.action for r in report.rows} == {"same"}, [(r.number, r.details) for r in report.rows]
    assert _snapshot() == before


def test_one_bad_row_and_nothing_is_written(onboarding):
    rows = [
        ["№ личного дела", "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс"],
        ["Д-1", "Петров", "Пётр", "Петрович", "01.02.2015", "м", "5А"],
        ["Д-2", "Сидорова", "Анна", "", "31.02.2015", "ж", "5А"],
        ["Д-3", "Орлов", "Олег", "", "01.03.2015", "м", "5Щ9"],
        ["", "Без", "Данных", "", "", "", "5А"],
        ["Д-1", "Петров", "Пётр", "Петрович", "01.02.2015", "м", "5А"],
    ]
    before = _snapshot()
    report = _run("bad.xlsx", onboarding, data=xlsx(rows))

    assert not report.applied and report.refused == 4
    refused = {r.number: " ".join(r.details) for r in report.rows if r.action == "refuse"}
    assert sorted(refused) == [3, 4, 5, 6]
    assert "дата рождения" in refused[3]
    assert "не распознан" in refused[4]
    assert "№ личного дела или дата рождения" in refused[5]
    assert "повторяет строку 2" in refused[6]
    assert "Ничего не загружено" in report.summary()
    assert _snapshot() == before


def test_a_shared_family_email_is_not_one_person(onboarded):
    rows = [
        ["Фамилия", "Имя", "Отчество", "E-mail", "№ личного дела ребёнка"],
        ["Алексеев", "Роман", "Петрович", "alekseeva.oi@mail.example", "5А-001"],
    ]
    report = _run("p.csv", onboarded, data=csv_bytes(rows))
    assert report.refused == 1
    assert "Алексеева Ольга Игоревна" in report.rows[0].details[0]


def test_an_assignment_of_another_teacher_is_refused(onboarded):
    rows = [
        ["Фамилия", "Имя", "Отчество", "E-mail", "Предмет", "Классы"],
        ["Новиков", "Ян", "", "", "Математика", "5А"],
    ]
    report = _run("t.xlsx", onboarded, data=xlsx(rows))
    assert report.refused == 1
    assert "закреплена за Орлова Г. П." in report.rows[0].details[0]


def test_a_changed_row_is_an_update(onboarded):
    rows = [
        ["№ личного дела", "Фамилия", "Имя", "Отчество", "Класс", "Адрес"],
        ["5А-001", "Алексеев", "Тимофей", "Романович", "5Б", "г. Краснодар, ул. Новая, 1"],
    ]
    report = _run("s.xlsx", onboarded, data=xlsx(rows))
    assert report.applied and report.rows[0].action == "update"
    assert "класс: 5А → 5Б" in report.rows[0].details
    assert str(Student.objects.get(record_number="5А-001").school_class) == "5Б"


def test_the_page_checks_then_imports(client_for, onboarding):
    client = client_for(onboarding)
    assert client.get("/plan/people/import/").status_code == 200
    check = client.post(
        "/plan/people/import/", {"file": SimpleUploadedFile("s.xlsx", sample("people_students.xlsx")), "kind": ""}
    )
    assert "Проверка (ничего не записано)" in check.content.decode()
    assert not Student.objects.exists()
    done = client.post(
        "/plan/people/import/",
        {"file": SimpleUploadedFile("s.xlsx", sample("people_students.xlsx")), "kind": "", "action": "import"},
    )
    assert "Загружено" in done.content.decode()
    assert Student.objects.count() == 12


def test_the_command(onboarding, tmp_path, capsys):
    path = tmp_path / "students.csv"
    path.write_bytes(sample("people_students.csv"))
    call_command("import_people", str(path), "--dry-run")
    assert not Student.objects.exists()
    call_command("import_people", str(path))
    assert Student.objects.count() == 12
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Фамилия", "Имя", "Класс"], ["Иванов", "Иван", "99Я"]]))
    with pytest.raises(CommandError, match="Ничего не загружено"):
        call_command("import_people", str(bad))


def test_groups_of_roles_are_not_duplicated(onboarded):
    assert Group.objects.filter(name=Role.PARENT.value).count() == 1
