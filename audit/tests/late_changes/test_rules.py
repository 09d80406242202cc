"""The rules of раздел 4: who files, who decides, who applies; exactly the approved entries, once, as seen;
and nobody's rights change on the way."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse

from audit.late_changes import services
from audit.late_changes.models import ChangeTableRow, LateChangeRequest
from journal.history_selectors import late_changes_of_student
from journal.models import Attendance, HistoryEntry, Mark, PeriodMark
from journal.tests import factories as f

from .conftest import LOCKED_DAY, apply_in_admin, change_mark, file_request, page_messages

Status = LateChangeRequest.Status


# --- Filing and registering -----------------------------------------------------------------------------------


def test_numbers_run_within_the_academic_year(teacher, mark, lesson, student, work_type, year):
    first = file_request(teacher, change_mark(mark))
    second = file_request(
        teacher,
        services.EntryInput(kind="attendance", action="add", lesson_id=lesson.pk, student_id=student.pk, value="б"),
    )
    assert (first.number, first.sequence, second.number, second.sequence) == ("1/2026-27", 1, "2/2026-27", 2)
    next_year = f.AcademicYearFactory(
        start=datetime.date(2027, 9, 1), end=datetime.date(2028, 5, 31), marks_deadline=datetime.date(2028, 5, 31)
    )
    other = LateChangeRequest(
        year=next_year,
        sequence=1,
        number="1/2027-28",
        registered_on=first.registered_on,
        registered_at=first.registered_at,
        period=first.period,
        school_class=first.school_class,
        initiator=teacher,
        reason="transfer",
        document_kind="Приказ",
        document_number="1",
        document_date=first.document_date,
        document_issuer="Школа",
    )
    other.save()  # the same sequence in another year is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        LateChangeRequest.objects.filter(pk=second.pk).update(sequence=1)


def test_the_old_value_is_captured_when_the_request_is_filed(teacher, mark, lesson, student):
    f.AttendanceFactory(lesson=lesson, student=student, code="Н")
    request = file_request(
        teacher,
        change_mark(mark, value="3", comment="пересдача"),
        services.EntryInput(kind="attendance", action="change", lesson_id=lesson.pk, student_id=student.pk, value="Б"),
    )
    mark_item, attendance_item = request.items.order_by("position")
    assert mark_item.old == {
        "value": 5,
        "passed": None,
        "work_type": mark.work_type_id,
        "weight": "1.0",
        "comment": "ответ у доски",
    }
    assert (mark_item.new_value, mark_item.comment, mark_item.new_display) == ("3", "пересдача", "3 (Ответ на уроке)")
    assert (attendance_item.old, attendance_item.old_display, attendance_item.new_display) == ({"code": "Н"}, "Н", "Б")


def test_a_teacher_cannot_request_changes_in_another_teachers_class(
    client_for, teacher, other_assignment, other_student, quarter, reference_rows
):
    foreign = f.LessonFactory(assignment=other_assignment, date=LOCKED_DAY)
    f.MarkFactory(lesson=foreign, student=other_student, value=3)
    url = reverse("audit:late_change_new")
    client = client_for(teacher)
    assert client.get(url, {"lesson": foreign.pk, "student": other_student.pk}).status_code == 404
    assert client.post(f"{url}?lesson={foreign.pk}&student={other_student.pk}", {}).status_code == 404
    assert (
        client.get(
            url, {"period": quarter.pk, "subject": other_assignment.subject_id, "student": other_student.pk}
        ).status_code
        == 404
    )
    assert client.get(url, {"assignment": other_assignment.pk}).status_code == 404
    with pytest.raises(Http404):
        file_request(
            teacher,
            services.EntryInput(
                kind="mark", action="add", lesson_id=foreign.pk, student_id=other_student.pk, value="5"
            ),
        )
    assert not LateChangeRequest.objects.exists()


def test_a_student_of_another_class_is_not_found(client_for, teacher, lesson, other_student):
    response = client_for(teacher).get(
        reverse("audit:late_change_new"), {"lesson": lesson.pk, "student": other_student.pk}
    )
    assert response.status_code == 404


def test_the_deputy_may_file_for_any_class(deputy, mark):
    assert file_request(deputy, change_mark(mark)).initiator == deputy


@pytest.mark.parametrize(
    ("value", "message"),
    [("6", "не существует"), ("5 4", "одну отметку"), ("Н", "одну отметку"), ("", "одну отметку")],
)
def test_invalid_values_are_refused(teacher, lesson, student, value, message, reference_rows):
    entry = services.EntryInput(kind="mark", action="add", lesson_id=lesson.pk, student_id=student.pk, value=value)
    with pytest.raises(ValidationError, match=message):
        file_request(teacher, entry)
    assert not LateChangeRequest.objects.exists()


def test_an_unchanged_value_or_an_open_window_needs_no_request(teacher, mark, assignment, student, reference_rows):
    with pytest.raises(ValidationError, match="совпадает с прежним"):
        file_request(teacher, change_mark(mark, value="5"))
    today = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 27), number=3)
    with pytest.raises(ValidationError, match="срок редактирования ещё не истёк"):
        file_request(
            teacher,
            services.EntryInput(kind="mark", action="add", lesson_id=today.pk, student_id=student.pk, value="5"),
        )
    future = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 12, 3), number=3)
    with pytest.raises(ValidationError, match="ещё не проведён"):
        file_request(
            teacher,
            services.EntryInput(kind="attendance", action="add", lesson_id=future.pk, student_id=student.pk, value="Н"),
        )


def test_a_request_needs_a_document_and_a_reason(teacher, mark):
    with pytest.raises(ValidationError, match="основание"):
        file_request(teacher, change_mark(mark), reason="просто так")
    with pytest.raises(ValidationError, match="документ"):
        services.late_change_submit(
            initiator=teacher,
            reason="student_absence",
            document=services.DocumentInput(kind="Справка", number="", date=LOCKED_DAY, issuer="Поликлиника"),
            entries=[change_mark(mark)],
        )


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("spravka.pdf", b"%PDF-1.7 scan", True),
        ("spravka.png", b"\x89PNG\r\n\x1a\n....", True),
        ("spravka.pdf", b"MZ\x90\x00 not a pdf", False),
        ("spravka.exe", b"%PDF-1.7", False),
        ("spravka.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), False),
    ],
)
def test_the_scan_is_limited_in_type_and_size(teacher, mark, name, content, ok, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile(name, content)
    if ok:
        request = file_request(teacher, change_mark(mark), scan=scan)
        assert request.scan.name.startswith("late_changes/")
    else:
        with pytest.raises(ValidationError, match="Скан"):
            file_request(teacher, change_mark(mark), scan=scan)


def test_the_scan_is_served_only_to_readers_of_the_request(
    client_for, teacher, other_teacher, director, mark, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = file_request(teacher, change_mark(mark), scan=SimpleUploadedFile("s.pdf", b"%PDF-1.4 scan"))
    url = reverse("audit:late_change_scan", args=[request.pk])
    assert client_for(director).get(url).status_code == 200
    assert client_for(teacher).get(url).status_code == 200
    assert client_for(other_teacher).get(url).status_code == 404


# --- The director's decision ------------------------------------------------------------------------------------


def test_only_the_director_decides(client_for, teacher, deputy, sysadmin, director, mark):
    request = file_request(teacher, change_mark(mark))
    url = reverse("audit:late_change_decide", args=[request.pk])
    for user in (sysadmin, deputy, teacher):
        assert client_for(user).post(url, {"decision": "approve"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.late_change_decide(request_id=request.pk, by=user, approve=True)
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    services.late_change_decide(request_id=request.pk, by=director, approve=True)
    with pytest.raises(ValidationError, match="решение уже принято"):
        services.late_change_decide(request_id=request.pk, by=director, approve=False, comment="передумала")


def test_a_refusal_needs_a_reason(client_for, teacher, director, mark):
    request = file_request(teacher, change_mark(mark))
    client_for(director).post(reverse("audit:late_change_decide", args=[request.pk]), {"decision": "reject"})
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    client_for(director).post(
        reverse("audit:late_change_decide", args=[request.pk]), {"decision": "reject", "comment": "Справка не о том"}
    )
    request.refresh_from_db()
    assert (request.status, request.decision_comment) == (Status.REJECTED, "Справка не о том")


# --- Applying ---------------------------------------------------------------------------------------------------


def test_an_unapproved_or_rejected_request_cannot_be_applied(
    client_for, staff_permissions, teacher, director, sysadmin, mark
):
    pending = file_request(teacher, change_mark(mark))
    response = apply_in_admin(client_for(sysadmin), pending)
    assert any("ещё не разрешено директором" in m for m in page_messages(response))
    services.late_change_decide(request_id=pending.pk, by=director, approve=False, comment="Нет оснований")
    response = apply_in_admin(client_for(sysadmin), pending)
    assert any("отклонено директором" in m for m in page_messages(response))
    with pytest.raises(ValidationError):
        services.late_change_apply(request_id=pending.pk, by=sysadmin)
    assert Mark.objects.get(pk=mark.pk).value == 5
    assert not ChangeTableRow.objects.exists()
    assert not HistoryEntry.objects.filter(source="late_change").exists()


def test_a_request_is_applied_once(
    client_for, staff_permissions, sysadmin, class_teacher, approved, mark, sysadmin_away
):
    client = client_for(sysadmin)
    apply_in_admin(client, approved)
    again = apply_in_admin(client, approved)
    assert any("уже применено" in m for m in page_messages(again))
    with pytest.raises(ValidationError, match="уже применено"):
        services.late_change_apply(request_id=approved.pk, by=class_teacher)
    assert ChangeTableRow.objects.count() == 1
    assert HistoryEntry.objects.filter(source="late_change").count() == 1
    # The database agrees: an entry has one row in the change table.
    with pytest.raises(IntegrityError), transaction.atomic():
        row = ChangeTableRow.objects.get()
        row.pk = None
        row.save()


def test_the_director_cannot_apply_and_the_sysadmin_cannot_approve(
    client_for, staff_permissions, teacher, director, sysadmin, approved
):
    with pytest.raises(PermissionDenied):
        services.late_change_apply(request_id=approved.pk, by=director)
    assert client_for(director).post(reverse("audit:late_change_apply", args=[approved.pk])).status_code == 403
    assert client_for(director).post(reverse("admin:audit_latechangerequest_changelist")).status_code == 302  # no admin
    assert client_for(teacher).post(reverse("audit:late_change_apply", args=[approved.pk])).status_code == 403
    pending = file_request(teacher, change_mark(approved.items.get().student.marks.get()))
    assert (
        client_for(sysadmin)
        .post(reverse("audit:late_change_decide", args=[pending.pk]), {"decision": "approve"})
        .status_code
        == 403
    )
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert (approved.status, pending.status) == (Status.APPROVED, Status.SUBMITTED)


def test_the_class_teacher_applies_when_the_sysadmin_is_absent(
    client_for, class_teacher, approved, mark, other_teacher, sysadmin_away
):
    assert client_for(other_teacher).post(reverse("audit:late_change_apply", args=[approved.pk])).status_code == 403
    page = client_for(class_teacher).get(reverse("audit:late_change_detail", args=[approved.pk])).content.decode()
    assert "Внести изменения в журнал" in page
    response = client_for(class_teacher).post(reverse("audit:late_change_apply", args=[approved.pk]))
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.status, approved.applied_by) == (Status.APPLIED, class_teacher)
    assert ChangeTableRow.objects.get().applied_by == class_teacher
    assert Mark.objects.get(pk=mark.pk).value == 4


def test_a_conflicting_entry_stops_the_whole_request(
    client_for, staff_permissions, teacher, director, sysadmin, mark, lesson, student
):
    request = file_request(
        teacher,
        services.EntryInput(kind="attendance", action="add", lesson_id=lesson.pk, student_id=student.pk, value="Б"),
        change_mark(mark),
    )
    services.late_change_decide(request_id=request.pk, by=director, approve=True)
    Mark.objects.filter(pk=mark.pk).update(value=3, version=2)  # someone changed it after the request was filed
    history_before = HistoryEntry.objects.count()

    response = apply_in_admin(client_for(sysadmin), request)
    (message,) = page_messages(response)
    assert "не применено" in message
    assert "запись № 2" in message
    assert "было «5 (Ответ на уроке)», а сейчас в журнале «3 (Ответ на уроке)»" in message
    assert not Attendance.objects.exists()  # the first, harmless entry was not applied either
    assert Mark.objects.get(pk=mark.pk).value == 3
    assert HistoryEntry.objects.count() == history_before
    assert not ChangeTableRow.objects.exists()
    request.refresh_from_db()
    assert request.status == Status.APPROVED


def test_a_deleted_entry_is_a_conflict_too(sysadmin, approved, mark):
    Mark.objects.filter(pk=mark.pk).delete()
    with pytest.raises(services.LateChangeConflict, match="удалена или заменена") as error:
        services.late_change_apply(request_id=approved.pk, by=sysadmin)
    assert [item.position for item in error.value.items] == [1]


def test_exactly_the_approved_entries_are_applied(
    sysadmin, director, teacher, mark, lesson, student, assignment, quarter1, work_type
):
    other_mark = f.MarkFactory(lesson=lesson, student=student, value=3, work_type=work_type)
    f.AttendanceFactory(lesson=lesson, student=student, code="Н")
    pm = f.PeriodMarkFactory(
        student=student, subject=assignment.subject, period=quarter1, value="3", entered_by=teacher
    )
    request = file_request(
        teacher,
        change_mark(mark, value="зач"),
        services.EntryInput(
            kind="mark", action="delete", lesson_id=lesson.pk, student_id=student.pk, target_id=other_mark.pk
        ),
        services.EntryInput(
            kind="mark", action="add", lesson_id=lesson.pk, student_id=student.pk, value="4", comment="самостоятельная"
        ),
        services.EntryInput(kind="attendance", action="change", lesson_id=lesson.pk, student_id=student.pk, value="Б"),
    )
    with pytest.raises(ValidationError, match="одного учебного периода"):
        file_request(
            teacher,
            change_mark(mark, value="4"),
            services.EntryInput(
                kind="period_mark",
                action="change",
                period_id=quarter1.pk,
                subject_id=assignment.subject_id,
                student_id=student.pk,
                value="4",
            ),
        )
    period_request = file_request(
        teacher,
        services.EntryInput(
            kind="period_mark",
            action="change",
            period_id=quarter1.pk,
            subject_id=assignment.subject_id,
            student_id=student.pk,
            value="4",
        ),
    )
    untouched = f.MarkFactory(lesson=lesson, student=student, value=2, work_type=work_type)
    for late_request in (request, period_request):
        services.late_change_decide(request_id=late_request.pk, by=director, approve=True)
        services.late_change_apply(request_id=late_request.pk, by=sysadmin)

    mark.refresh_from_db()
    assert (mark.value, mark.passed) == (None, True)
    assert not Mark.objects.filter(pk=other_mark.pk).exists()
    added = Mark.objects.get(lesson=lesson, student=student, value=4)
    assert (added.comment, added.entered_by) == ("самостоятельная", sysadmin)
    assert Attendance.objects.get(lesson=lesson, student=student).code == "Б"
    assert PeriodMark.objects.get(pk=pm.pk).value == "4"
    assert Mark.objects.get(pk=untouched.pk).value == 2
    history = HistoryEntry.objects.filter(source="late_change")
    assert sorted(history.values_list("reference", flat=True)) == ["1/2026-27"] * 4 + ["2/2026-27"]
    assert ChangeTableRow.objects.count() == 5
    notes = late_changes_of_student(student=student, period=quarter1)
    assert notes.period_marks[pm.pk].number == "2/2026-27"
    assert notes.for_period_mark(subject_id=assignment.subject_id, period_id=quarter1.pk).number == "2/2026-27"
    assert late_changes_of_student(student=student, lesson_ids=[lesson.pk]).marks[added.pk].number == "1/2026-27"


PERMISSION_TABLES = [
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "journal_user_groups",
    "journal_user_user_permissions",
    "guardian_userobjectpermission",
    "guardian_groupobjectpermission",
    "journal_studentuserobjectpermission",
    "journal_studentgroupobjectpermission",
    "audit_editwindow",
]


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
        return cursor.fetchall()


def test_applying_changes_no_permission_group_or_window(client_for, staff_permissions, sysadmin, approved, parent):
    existing = set(connection.introspection.table_names())
    tables = [table for table in PERMISSION_TABLES if table in existing]
    assert {"auth_group_permissions", "journal_user_groups", "audit_editwindow"} <= set(tables)
    before = {table: _rows(table) for table in tables}
    sysadmin_before = (sysadmin.is_staff, sysadmin.is_superuser, set(sysadmin.groups.values_list("name", flat=True)))

    response = apply_in_admin(client_for(sysadmin), approved)
    assert any("внесено" in m for m in page_messages(response))

    assert {table: _rows(table) for table in tables} == before
    sysadmin.refresh_from_db()
    assert (
        sysadmin.is_staff,
        sysadmin.is_superuser,
        set(sysadmin.groups.values_list("name", flat=True)),
    ) == sysadmin_before


def test_the_change_table_is_append_only(sysadmin, approved):
    services.late_change_apply(request_id=approved.pk, by=sysadmin)
    with pytest.raises(IntegrityError, match="таблица только дополняется"), transaction.atomic():
        ChangeTableRow.objects.update(new_display="5")
    with pytest.raises(IntegrityError, match="таблица только дополняется"), transaction.atomic():
        ChangeTableRow.objects.all().delete()
    assert ChangeTableRow.objects.get().new_display == "4 (Ответ на уроке)"


def test_the_button_on_the_admin_page_applies_too(client_for, staff_permissions, sysadmin, approved, mark):
    client = client_for(sysadmin)
    page = client.get(reverse("admin:audit_latechangerequest_change", args=[approved.pk]))
    assert page.status_code == 200
    assert "Внести изменения в журнал" in page.content.decode()
    url = reverse("admin:audit_latechangerequest_apply", args=[approved.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert any("внесено 1 изменение" in m for m in page_messages(response))
    assert Mark.objects.get(pk=mark.pk).value == 4
