"""Logins, one-time passwords and the slips PDF, receipts, applications, and the forced password change."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import override_settings
from pypdf import PdfReader

from journal.models import CredentialIssue, CredentialReceipt, Guardianship, Student, User
from journal.tests import factories as f
from onboarding import accounts, imports, slips

from .conftest import sample

FORCED = [*settings.MIDDLEWARE, "onboarding.middleware.PasswordChangeRequiredMiddleware"]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def class_5a_people(school, year, sysadmin, today):
    for name in ("people_students.xlsx", "people_parents.xlsx"):
        assert imports.people_import(data=sample(name), filename=name, by=sysadmin, dry_run=False).applied
    return Student.objects.get(record_number="5А-001").school_class


@pytest.mark.parametrize(
    ("names", "login"),
    [
        (("Лебедева", "Мария", "Александровна"), "lebedeva.ma"),
        (("Щукин", "Юрий", "Эдуардович"), "shchukin.ye"),
        (("Римская-Корсакова", "Ёлка", ""), "rimskaya-korsakova.e"),
        (("Хвостов", "Ярослав", "Ильич"), "khvostov.yi"),
    ],
)
def test_logins_are_transliterated_surname_and_initials(names, login):
    assert accounts.login_base(*names) == login


def test_logins_are_unique():
    taken = {"lebedeva.ma"}
    assert accounts.unique_login("Лебедева", "Мария", "Андреевна", taken) == "lebedeva.ma2"
    assert accounts.unique_login("Лебедева", "Марина", "Алексеевна", taken) == "lebedeva.ma3"


def test_one_time_passwords_are_readable_and_different():
    passwords = {accounts.one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 10 and not set(p) & set("0O1lI") for p in passwords)


def test_slips_pdf_contains_the_logins_and_the_passwords_work(class_5a_people, sysadmin):
    made = accounts.class_slips(school_class=class_5a_people, by=sysadmin)
    content = slips.slips_pdf(slips=made, title="5А", school=None, login_url="https://school84.example/accounts/login/")
    text = _pdf_text(content)

    students = Student.objects.filter(school_class=class_5a_people).select_related("user")
    assert len(made) == 6 + 8  # six students, eight parents (Ильина has a child in 5Б too: one slip here)
    for student in students:
        assert student.user.username in text
    for slip in made:
        assert slip.user.username in text and slip.password in text
        user = authenticate(username=slip.user.username, password=slip.password)
        assert user is not None and user.must_change_password
    assert "Логин и пароль получил(а)" in text
    assert CredentialIssue.objects.count() == 14


def test_printing_again_issues_only_to_those_without_a_password(class_5a_people, sysadmin):
    accounts.class_slips(school_class=class_5a_people, by=sysadmin)
    assert accounts.class_slips(school_class=class_5a_people, by=sysadmin) == []
    again = accounts.class_slips(school_class=class_5a_people, by=sysadmin, recipients=accounts.Recipients.ALL)
    assert len(again) == 14


def test_the_slips_page_returns_the_pdf(client_for, class_5a_people, sysadmin, deputy):
    response = client_for(deputy).post(
        "/plan/accounts/slips/", {"cls": class_5a_people.pk, "who": "students", "recipients": "new"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = _pdf_text(response.content)
    assert "alekseev.tr" in text and "borisova.ad" in text
    assert "alekseeva.oi" not in text  # parents were not asked for


def test_receipt_and_application_approval(client_for, class_5a_people, sysadmin, today):
    client = client_for(sysadmin)
    assert client.get(f"/plan/accounts/?cls={class_5a_people.pk}").status_code == 200
    mother = User.objects.get(email="alekseeva.oi@mail.example")
    client.post(f"/plan/accounts/{mother.pk}/receipt/", {"number": "УЗ-17", "date": "2026-11-27", "cls": "1"})
    receipt = CredentialReceipt.objects.get(user=mother)
    assert (receipt.number, receipt.date, receipt.recorded_by) == ("УЗ-17", datetime.date(2026, 11, 27), sysadmin)

    application = Guardianship.objects.get(parent=mother)
    client.post(f"/plan/applications/{application.pk}/approve/")
    application.refresh_from_db()
    assert application.status == Guardianship.Status.ACTIVE
    assert mother.has_perm("journal.view_diary", application.student)


def test_an_application_without_a_number_is_registered_before_approval(client_for, class_5a_people, sysadmin):
    egorova = User.objects.get(email="egorova.si@mail.example")
    application = Guardianship.objects.get(parent=egorova)
    client = client_for(sysadmin)
    refused = client.post(f"/plan/applications/{application.pk}/approve/", follow=True)
    assert "Сначала зарегистрируйте заявление" in refused.content.decode()
    client.post(f"/plan/applications/{application.pk}/register/", {"number": "З-120", "date": "2026-11-20"})
    client.post(f"/plan/applications/{application.pk}/approve/")
    application.refresh_from_db()
    assert (application.status, application.application_number) == (Guardianship.Status.ACTIVE, "З-120")


def test_a_new_application_and_a_rejection(client_for, student, sysadmin, today):
    father = f.UserFactory(username="lebedev.as", surname="Лебедев", name="Андрей", patronymic="Сергеевич")
    client = client_for(sysadmin)
    client.post(
        "/plan/applications/add/",
        {
            "cls": student.school_class_id,
            "parent_login": "lebedev.as",
            "student": student.pk,
            "kind": "father",
            "number": "З-200",
            "date": "2026-11-25",
        },
    )
    application = Guardianship.objects.get(parent=father)
    assert application.status == Guardianship.Status.APPLIED
    client.post(f"/plan/applications/{application.pk}/reject/", {"reason": "не законный представитель"})
    application.refresh_from_db()
    assert application.status == Guardianship.Status.REJECTED
    assert not father.has_perm("journal.view_diary", student)


@override_settings(MIDDLEWARE=FORCED)
def test_a_one_time_password_must_be_changed_first(client, class_5a_people, sysadmin):
    slip = accounts.class_slips(school_class=class_5a_people, by=sysadmin, parents=False)[0]
    assert (
        client.post("/accounts/login/", {"username": slip.user.username, "password": slip.password}).status_code == 302
    )
    response = client.get("/diary/")
    assert response.status_code == 302 and response.url == "/plan/password/"
    assert client.get("/plan/password/").status_code == 200
    client.post("/plan/password/", {"new_password1": "Krasnodar-84-school", "new_password2": "Krasnodar-84-school"})
    user = User.objects.get(pk=slip.user.pk)
    assert not user.must_change_password
    page = client.get("/diary/", follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0].startswith("/diary/")


def test_no_password_is_set_without_the_current_one_after_the_first_login(client_for, teacher):
    """A session left open must not let a passer-by set a new password: only the forced first change skips it."""
    client = client_for(teacher)
    response = client.post(
        "/plan/password/", {"new_password1": "Chuzhoy-84-parol", "new_password2": "Chuzhoy-84-parol"}
    )
    assert response.status_code == 302 and response.url == "/accounts/password/"
    assert User.objects.get(pk=teacher.pk).check_password("pass")
    # The ordinary page asks for the current password.
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "Chuzhoy-84-parol", "new_password2": "Chuzhoy-84-parol"},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=teacher.pk).check_password("pass")


def test_staff_slips_for_imported_teachers(client_for, school, year, sysadmin, today):
    report = imports.people_import(data=sample("people_teachers.csv"), filename="t.csv", by=sysadmin, dry_run=False)
    assert report.applied
    client = client_for(sysadmin)
    assert "orlova.gp" in client.get("/plan/accounts/staff/").content.decode()
    response = client.post("/plan/accounts/staff/slips/")
    text = _pdf_text(response.content)
    for login in ("orlova.gp", "belov.is", "zaytseva.na", "krylova.ev", "tikhonov.po", "voronina.as"):
        assert login in text
    again = client.post("/plan/accounts/staff/slips/", follow=True)
    assert "Всем учителям пароли уже выданы" in again.content.decode()
