"""Who may open which page of раздел 4, what the pages show, the XLSX export and the query budgets."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.late_changes import services
from audit.late_changes.models import LateChangeRequest
from journal.models import Student
from journal.tests import factories as f

from .conftest import LOCKED_DAY, change_mark, file_request


@pytest.fixture
def applied(sysadmin, approved):
    services.late_change_apply(request_id=approved.pk, by=sysadmin)
    approved.refresh_from_db()
    return approved


def _user(request, who: str):
    member = request.getfixturevalue(who)
    return member.user if isinstance(member, Student) else member


def _urls(late_request) -> dict[str, str]:
    query = f"?class={late_request.school_class_id}&period={late_request.period_id}"
    return {
        "list": reverse("audit:late_change_list"),
        "new": reverse("audit:late_change_new"),
        "detail": reverse("audit:late_change_detail", args=[late_request.pk]),
        "table": reverse("audit:change_table") + query,
        "xlsx": reverse("audit:change_table_xlsx") + query,
        "sheet": reverse("audit:summary_sheet_pdf") + query,
        "sheets": reverse("audit:summary_sheets"),
        "register": reverse("audit:late_change_register") + f"?period={late_request.period_id}",
        "register_pdf": reverse("audit:late_change_register_pdf") + f"?period={late_request.period_id}",
    }


#: role → the status of each page (the request is the teacher's, about 5А, whose class teacher is ``class_teacher``).
ACCESS = {
    "teacher": {
        "list": 200,
        "new": 200,
        "detail": 200,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
    "other_teacher": {
        "list": 200,
        "new": 200,
        "detail": 404,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
    "class_teacher": {
        "list": 200,
        "new": 200,
        "detail": 200,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
    "deputy": {
        "list": 200,
        "new": 200,
        "detail": 200,
        "table": 200,
        "xlsx": 200,
        "sheet": 200,
        "sheets": 200,
        "register": 200,
        "register_pdf": 200,
    },
    "director": {
        "list": 200,
        "new": 403,
        "detail": 200,
        "table": 200,
        "xlsx": 200,
        "sheet": 200,
        "sheets": 200,
        "register": 200,
        "register_pdf": 200,
    },
    "sysadmin": {
        "list": 200,
        "new": 403,
        "detail": 200,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
    "parent": {
        "list": 403,
        "new": 403,
        "detail": 403,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
    "student": {
        "list": 403,
        "new": 403,
        "detail": 403,
        "table": 403,
        "xlsx": 403,
        "sheet": 403,
        "sheets": 403,
        "register": 403,
        "register_pdf": 403,
    },
}


@pytest.mark.parametrize("who", list(ACCESS))
def test_who_opens_which_page(request, client_for, applied, who):
    client = client_for(_user(request, who))
    got = {name: client.get(url).status_code for name, url in _urls(applied).items()}
    assert got == ACCESS[who]


def test_anonymous_users_are_sent_to_the_login_page(client, applied):
    for url in _urls(applied).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_the_director_sees_what_awaits_a_decision_first(client_for, teacher, director, mark, approved):
    pending = file_request(teacher, change_mark(mark, value="3"))
    page = client_for(director).get(reverse("audit:late_change_list")).content.decode()
    assert pending.number in page
    assert approved.number not in page  # decided already: under «все»
    everything = client_for(director).get(reverse("audit:late_change_list"), {"status": ""}).content.decode()
    assert approved.number in everything


def test_a_teacher_lists_only_their_own_requests(client_for, teacher, other_teacher, approved):
    assert approved.number in client_for(teacher).get(reverse("audit:late_change_list")).content.decode()
    assert approved.number not in client_for(other_teacher).get(reverse("audit:late_change_list")).content.decode()


def test_the_request_page_offers_the_cell_as_it_is_and_a_chooser(client_for, teacher, mark, lesson, student):
    page = client_for(teacher).get(reverse("audit:late_change_new"), {"lesson": lesson.pk, "student": student.pk})
    html = page.content.decode()
    assert "Подать заявление директору" in html
    assert "Медицинская" not in html
    assert f'name="c0-m{mark.pk}"' in html and 'value="5"' in html
    assert "Добавить в заявление ещё одну запись" in html
    chooser = client_for(teacher).get(reverse("audit:late_change_new"))
    assert "Выберите запись журнала" in chooser.content.decode()
    assert lesson in chooser.context["lessons"]


def test_a_request_with_nothing_to_change_is_refused_on_the_page(client_for, teacher, mark, lesson, student):
    url = reverse("audit:late_change_new") + f"?lesson={lesson.pk}&student={student.pk}"
    page = client_for(teacher).get(url)
    token = page.context["cells"][0].form.token
    data = {
        "c0-seen": token,
        f"c0-m{mark.pk}": "5",
        f"c0-m{mark.pk}_type": str(mark.work_type_id),
        f"c0-m{mark.pk}_comment": mark.comment,
        "c0-attendance": "=",
        "reason": "student_absence",
        "document_kind": "Справка",
        "document_number": "1",
        "document_date": "2026-11-20",
        "document_issuer": "Поликлиника",
    }
    response = client_for(teacher).post(url, data)
    assert response.status_code == 200
    assert "Укажите хотя бы одно изменение" in response.content.decode()
    stale = client_for(teacher).post(url, data | {"c0-seen": "0.0"})
    assert "записи этой клетки изменились" in stale.content.decode()
    assert not LateChangeRequest.objects.exists()


def test_the_change_table_exports_to_xlsx(client_for, deputy, applied, student):
    response = client_for(deputy).get(
        reverse("audit:change_table_xlsx"), {"class": applied.school_class_id, "period": applied.period_id}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "Таблица учёта изменений" in sheet["A1"].value
    header = [cell.value for cell in sheet[2]]
    assert header[:5] == ["№", "Дата внесения", "Класс", "Предмет", "Ученик"]
    row = [cell.value for cell in sheet[3]]
    assert row[4] == student.user.full_name
    assert (row[6], row[7], row[8]) == ("5 (Ответ на уроке)", "4 (Ответ на уроке)", "1/2026-27")


def test_the_register_lists_the_requests_of_the_period(client_for, deputy, teacher, applied, mark, quarter):
    file_request(teacher, change_mark(mark, value="3"))
    page = client_for(deputy).get(reverse("audit:late_change_register"), {"period": quarter.pk}).content.decode()
    assert "1/2026-27" in page and "2/2026-27" in page
    assert "Медицинская справка № 0457" in page
    pdf = client_for(deputy).get(reverse("audit:late_change_register_pdf"), {"period": quarter.pk})
    assert pdf["Content-Type"] == "application/pdf"
    from .test_procedure import pdf_text

    text = pdf_text(pdf.content)
    assert "1/2026-27" in text and "2/2026-27" in text


def _many_requests(teacher, director, sysadmin, lesson, student, work_type, n: int):
    for _ in range(n):
        mark = f.MarkFactory(lesson=lesson, student=student, value=5, work_type=work_type)
        request = file_request(teacher, change_mark(mark))
        services.late_change_decide(request_id=request.pk, by=director, approve=True)
        services.late_change_apply(request_id=request.pk, by=sysadmin)


@pytest.mark.parametrize("n", [1, 6])
def test_the_lists_cost_the_same_whatever_their_length(
    client_for,
    deputy,
    teacher,
    director,
    sysadmin,
    lesson,
    student,
    work_type,
    quarter,
    n,
    django_assert_max_num_queries,
):
    _many_requests(teacher, director, sysadmin, lesson, student, work_type, n)
    client = client_for(deputy)
    query = {"class": student.school_class_id, "period": quarter.pk}
    # The user (with their roles), then: the list and its counts; classes, periods, class, period and rows; …
    with django_assert_max_num_queries(4):
        assert client.get(reverse("audit:late_change_list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("audit:change_table"), query).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("audit:late_change_register"), {"period": quarter.pk}).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("audit:change_table_xlsx"), query).status_code == 200


def test_the_parent_note_carries_no_document_details(sysadmin, applied, student, lesson):
    from journal.history_selectors import late_changes_of_student

    notes = late_changes_of_student(student=student, lesson_ids=[lesson.pk])
    (note,) = notes.marks.values()
    assert set(vars(note)) == {"applied_on", "number"}
    assert str(note) == "№ 1/2026-27, 28.11.2026"


def test_the_diary_selector_is_one_query(student, lesson, applied, django_assert_num_queries, quarter):
    from journal.history_selectors import late_changes_of_student

    with django_assert_num_queries(1):
        notes = late_changes_of_student(student=student, lesson_ids=[lesson.pk], period=quarter)
    assert notes.marks


def test_a_lesson_outside_the_locked_day_is_listed_in_the_chooser(
    client_for, deputy, assignment, quarter, reference_rows
):
    lesson = f.LessonFactory(assignment=assignment, date=LOCKED_DAY)
    page = client_for(deputy).get(reverse("audit:late_change_new"), {"assignment": assignment.pk})
    assert lesson in page.context["lessons"]


def test_the_diary_partial_shows_the_number_and_never_the_document(sysadmin, applied, student, lesson):
    from django.template.loader import render_to_string

    from journal.history_selectors import late_changes_of_student

    mark = student.marks.get()
    notes = late_changes_of_student(student=student, lesson_ids=[lesson.pk])
    notes.attach(marks=[mark])
    html = render_to_string("diary/partials/late_change_note.html", {"note": mark.late_change})
    assert "№ 1/2026-27" in html and "28.11.2026" in html
    assert "0457" not in html and "поликлиника" not in html.lower()
    assert render_to_string("diary/partials/late_change_note.html", {"note": None}).strip() == ""
