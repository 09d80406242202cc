"""Раздел 4 from start to end: a locked mark, the request, its number, the approval, the sysadmin's admin
action, the new mark in the journal and the diary, the change table, the history and the summary sheet."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.late_changes.models import ChangeTableRow, LateChangeRequest
from journal import services as journal
from journal.history_selectors import late_changes_of_student
from journal.models import HistoryEntry, Mark
from journal.windows import WindowClosed

from .conftest import DOCUMENT


def form_data(response, **overrides) -> dict:
    """What the browser would post back: every field of the page's forms at its initial value, then ``overrides``."""
    data = {}
    for cell in response.context["cells"]:
        for field in cell.form:
            value = field.value()
            if value in (None, False):
                continue
            data[field.html_name] = "" if value is True else value
            if value is True:
                data[field.html_name] = "on"
    return data | overrides


def request_fields(**overrides) -> dict:
    return {
        "reason": "student_absence",
        "document_kind": DOCUMENT.kind,
        "document_number": DOCUMENT.number,
        "document_date": DOCUMENT.date.isoformat(),
        "document_issuer": DOCUMENT.issuer,
        "comment": "Мария болела с 16.11 по 20.11, ответ у доски был засчитан по ошибке.",
    } | overrides


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_whole_procedure(
    client_for, staff_permissions, teacher, director, sysadmin, deputy, parent, student, mark, lesson, quarter
):
    # 1. The window has closed: the journal refuses the teacher's edit, in the service and in the grid.
    with pytest.raises(WindowClosed):
        journal.mark_update(origin=journal.Origin(by=teacher), mark=mark, value=4)
    teacher_client = client_for(teacher)
    refused = teacher_client.post(
        reverse("journal:cell", args=[lesson.assignment_id]),
        {"lesson": lesson.pk, "student": student.pk, "text": "4", "expected": f"{mark.pk}.1"},
    )
    assert refused.status_code == 422
    assert refused.json()["locked"] is True

    # 2. From the locked cell, the teacher files a request to the director.
    new_url = reverse("audit:late_change_new") + f"?lesson={lesson.pk}&student={student.pk}"
    page = teacher_client.get(new_url)
    assert page.status_code == 200
    assert "Лебедева Мария Александровна" in page.content.decode()
    data = form_data(page, **{f"c0-m{mark.pk}": "4"}) | request_fields()
    response = teacher_client.post(new_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    # 3. It is registered: number within the academic year, today's date, filed under the quarter.
    late_request = LateChangeRequest.objects.get()
    assert late_request.number == "1/2026-27"
    assert late_request.registered_on.isoformat() == "2026-11-28"
    assert (late_request.period, late_request.school_class, late_request.initiator) == (
        quarter,
        student.school_class,
        teacher,
    )
    assert late_request.status == LateChangeRequest.Status.SUBMITTED
    (item,) = late_request.items.all()
    assert (item.kind, item.action, item.old["value"], item.new_value) == ("mark", "change", 5, "4")
    assert item.old_display == "5 (Ответ на уроке)"
    detail = teacher_client.get(response.url).content.decode()
    assert "1/2026-27" in detail and "на рассмотрении у директора" in detail

    # 4. The director sees it among the requests to decide, and approves it.
    director_client = client_for(director)
    listing = director_client.get(reverse("audit:late_change_list")).content.decode()
    assert "1/2026-27" in listing
    decided = director_client.post(
        reverse("audit:late_change_decide", args=[late_request.pk]), {"decision": "approve", "comment": "Разрешаю."}
    )
    assert decided.status_code == 302
    late_request.refresh_from_db()
    assert (late_request.status, late_request.decided_by) == (LateChangeRequest.Status.APPROVED, director)
    assert Mark.objects.get(pk=mark.pk).value == 5  # approval alone changes nothing

    # 5. The sysadmin finds it in the admin (filtered by status) and applies it with the action.
    admin_client = client_for(sysadmin)
    changelist = reverse("admin:audit_latechangerequest_changelist")
    listed = admin_client.get(changelist, {"status__exact": "approved"})
    assert listed.status_code == 200
    assert "1/2026-27" in listed.content.decode()
    applied = admin_client.post(
        changelist, {"action": "apply_requests", "_selected_action": [late_request.pk]}, follow=True
    )
    assert applied.status_code == 200
    assert "в журнал внесено 1 изменение" in applied.content.decode()

    # 6. The journal holds the new mark; the request records who applied it.
    assert Mark.objects.get(pk=mark.pk).value == 4
    late_request.refresh_from_db()
    assert (late_request.status, late_request.applied_by) == (LateChangeRequest.Status.APPLIED, sysadmin)

    # 7. The history names the request.
    entry = HistoryEntry.objects.filter(kind="mark", object_id=mark.pk).latest("id")
    assert (entry.source, entry.reference, entry.user_id) == ("late_change", "1/2026-27", sysadmin.pk)
    assert (entry.old["value"], entry.new["value"]) == (5, 4)

    # 8. The change table has its row.
    row = ChangeTableRow.objects.get()
    assert (row.old_display, row.new_display, row.request_number) == (
        "5 (Ответ на уроке)",
        "4 (Ответ на уроке)",
        "1/2026-27",
    )
    assert (row.approved_by, row.applied_by, row.student, row.object_id) == (director, sysadmin, student, mark.pk)

    # 9. The diary can show the parent why the mark changed: the number and date, no document.
    notes = late_changes_of_student(student=student, lesson_ids=[lesson.pk])
    assert str(notes.marks[mark.pk]) == "№ 1/2026-27, 28.11.2026"
    diary_page = (
        client_for(parent)
        .get(reverse("diary:week", args=[student.pk]), {"date": lesson.date.isoformat()})
        .content.decode()
    )
    assert "изм. по заявл. № 1/2026-27" in diary_page
    assert late_request.document_number not in diary_page  # the document's details stay with the school

    # 10. The deputy prints the summary sheet: the student, the new period picture and the change table.
    sheet = client_for(deputy).get(
        reverse("audit:summary_sheet_pdf"), {"class": student.school_class_id, "period": quarter.pk}
    )
    assert sheet.status_code == 200
    assert sheet["Content-Type"] == "application/pdf"
    text = pdf_text(sheet.content)
    assert "Лебедева" in text
    assert "1/2026-27" in text
    assert "4 (Ответ на уроке)" in text
    assert "Сводная ведомость" in text
