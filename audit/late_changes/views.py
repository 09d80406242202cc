"""Pages of the late-change procedure (раздел 4): file a request, decide it, apply it, the change table,
the summary sheets, the register of requests and the sysadmin's absences.

Views are thin: each reads its input, fetches objects through the access helpers of ``selectors`` (404 for
anyone else's), calls one service and turns its ``ValidationError`` into a message or a form error.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal import caches
from journal.models import Attendance, Mark, PeriodMark
from journal.roles import (
    is_administration,
    is_class_teacher,
    is_deputy,
    is_director,
    is_sysadmin,
    is_teacher,
    role_required,
)

from . import exports, pdf, selectors, services
from .forms import DecisionForm, LessonCellForm, PeriodCellForm, RequestForm, SysadminAbsenceForm
from .models import LateChangeRequest, SummarySheetBatch, SysadminAbsence
from .tasks import summary_sheets_enqueue

FILERS = (is_teacher, is_deputy)
READERS = (is_teacher, is_administration, is_sysadmin)
MANAGERS = (is_administration,)
MAX_CELLS = 20

LESSON_TOKEN = re.compile(r"^m(\d+)\.(\d+)$")
PERIOD_TOKEN = re.compile(r"^p(\d+)\.(\d+)\.(\d+)$")


def _nav(user) -> dict:
    """What the section's tabs offer this user."""
    return {
        "may_file": selectors.may_file(user),
        "is_manager": is_deputy(user) or is_director(user),
        "may_record_absences": services.may_record_absences(user),
    }


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Filing a request ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One cell of the journal the request is about, with what it holds now and its form."""

    token: str
    student: object
    lesson: object = None
    marks: list | None = None
    attendance: object = None
    period: object = None
    subject: object = None
    current: object = None
    assignment: object = None
    form: object = None
    remove_url: str = ""

    @property
    def is_period(self) -> bool:
        return self.period is not None


def _cell_tokens(query) -> list[str]:
    """The cells of the request page: ``c=m<lesson>.<student>`` / ``c=p<period>.<subject>.<student>``, plus the
    grid's ``?lesson=&student=`` and ``?period=&subject=&student=``."""
    tokens = list(query.getlist("c"))
    if query.get("lesson") and query.get("student"):
        tokens.append(f"m{query['lesson']}.{query['student']}")
    if query.get("period") and query.get("subject") and query.get("student"):
        tokens.append(f"p{query['period']}.{query['subject']}.{query['student']}")
    unique = list(dict.fromkeys(token.strip() for token in tokens if token.strip()))
    if len(unique) > MAX_CELLS:
        raise Http404
    return unique


def _resolve_cell(user, token: str) -> Cell:
    if match := LESSON_TOKEN.match(token):
        lesson = selectors.lesson_for_requester(user=user, lesson_id=match[1])
        student = selectors.student_of_assignment(assignment=lesson.assignment, student_id=match[2])
        marks = list(
            Mark.objects.filter(lesson=lesson, student=student).select_related("work_type").order_by("entered_at", "id")
        )
        attendance = Attendance.objects.filter(lesson=lesson, student=student).first()
        return Cell(
            token=token,
            student=student,
            lesson=lesson,
            marks=marks,
            attendance=attendance,
            assignment=lesson.assignment,
        )
    if match := PERIOD_TOKEN.match(token):
        period, subject, student, assignment = selectors.period_mark_cell_for_requester(
            user=user, period_id=match[1], subject_id=match[2], student_id=match[3]
        )
        current = PeriodMark.objects.filter(student=student, subject=subject, period=period).first()
        return Cell(
            token=token, student=student, period=period, subject=subject, current=current, assignment=assignment
        )
    raise Http404


def _new_url(tokens: list[str], **extra) -> str:
    query = [("c", token) for token in tokens] + [(k, v) for k, v in extra.items() if v]
    return reverse("audit:late_change_new") + ("?" + urlencode(query) if query else "")


def _chooser(request, cells: list[Cell]) -> dict:
    """The «choose an entry» forms: an assignment, then a lesson or a period, and a student."""
    user = request.user
    assignments = list(selectors.assignments_for_requester(user))
    assignment = None
    if request.GET.get("assignment"):
        assignment = selectors.assignment_for_requester(user=user, assignment_id=request.GET["assignment"])
    elif cells:
        assignment = cells[-1].assignment
    elif len(assignments) == 1:
        assignment = assignments[0]
    context = {"assignments": assignments, "chosen": assignment}
    if assignment is not None:
        periods = selectors.periods_of_class(assignment.school_class)
        chosen_period = None
        if request.GET.get("in_period"):
            chosen_period = next((p for p in periods if str(p.pk) == request.GET["in_period"]), None)
        chosen_period = chosen_period or selectors.default_period(periods)
        lessons = []
        if chosen_period is not None and not chosen_period.is_final:
            lessons = selectors.lessons_for_choice(
                assignment=assignment, period=chosen_period, today=timezone.localdate()
            )
        context |= {
            "periods": periods,
            "chosen_period": chosen_period,
            "lessons": lessons,
            "students": list(selectors.students_of_assignment(assignment)),
        }
    return context


@require_http_methods(["GET", "POST"])
@role_required(*FILERS)
def late_change_new(request):
    """п. 4.1: the request to the director, for one or more cells of the journal.

    From a locked cell of the grid: ``?lesson=<id>&student=<id>`` or ``?period=<id>&subject=<id>&student=<id>``.
    """
    tokens = _cell_tokens(request.GET)
    cells = [_resolve_cell(request.user, token) for token in tokens]
    if request.method == "POST" and not cells:
        messages.error(request, _("Выберите запись журнала, которую нужно изменить."))
        return redirect("audit:late_change_new")
    data = request.POST if request.method == "POST" else None
    work_types = caches.work_types()
    for n, cell in enumerate(cells):
        cell.remove_url = _new_url([t for t in tokens if t != cell.token])
        if cell.is_period:
            cell.form = PeriodCellForm(
                data,
                prefix=f"c{n}",
                period=cell.period,
                subject=cell.subject,
                student=cell.student,
                current=cell.current,
            )
        else:
            cell.form = LessonCellForm(
                data,
                prefix=f"c{n}",
                lesson=cell.lesson,
                student=cell.student,
                marks=cell.marks,
                attendance=cell.attendance,
                work_types=work_types,
            )
    form = RequestForm(data, request.FILES if data is not None else None)
    if request.method == "POST":
        # Every form is validated (not just up to the first invalid one), so all errors show at once.
        checks = [form.is_valid(), *(cell.form.is_valid() for cell in cells)]
        if all(checks):
            entries = [entry for cell in cells for entry in cell.form.entries()]
            try:
                late_request = services.late_change_submit(
                    initiator=request.user,
                    reason=form.cleaned_data["reason"],
                    document=form.document(),
                    entries=entries,
                    comment=form.cleaned_data["comment"],
                    scan=form.cleaned_data.get("scan") or None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Заявление зарегистрировано: № %(number)s от %(day)s. Оно передано директору.")
                    % {"number": late_request.number, "day": f"{late_request.registered_on:%d.%m.%Y}"},
                )
                return redirect("audit:late_change_detail", late_request.pk)
    context = {
        "form": form,
        "cells": cells,
        "tokens": tokens,
        "action_url": _new_url(tokens),
        **_chooser(request, cells),
    }
    return render(request, "audit/late_changes/new.html", context)


# --- Lists, a request, the director's decision, the class teacher's application -----------------------------------


@require_GET
@role_required(*READERS)
def late_change_list(request):
    """The requests the user may read: the director's «на рассмотрении» first; a teacher's own; the class's."""
    status = request.GET.get("status", "")
    if status and status not in LateChangeRequest.Status.values:
        status = ""
    if not status and is_director(request.user) and "status" not in request.GET:
        status = LateChangeRequest.Status.SUBMITTED
    requests, counts = selectors.requests_for_user(user=request.user, status=status)
    to_apply = selectors.class_teacher_requests_to_apply(request.user)
    return render(
        request,
        "audit/late_changes/list.html",
        {
            "requests": requests,
            "counts": counts,
            "status": status,
            "statuses": LateChangeRequest.Status.choices,
            "to_apply": to_apply,
            "presence": selectors.sysadmin_presence(timezone.localdate()) if to_apply else None,
            **_nav(request.user),
        },
    )


@require_GET
@role_required(*READERS)
def late_change_detail(request, pk):
    """A request; the director's decision form, or the class teacher's «apply» button, or why there is none."""
    late_request = selectors.request_for_reader(user=request.user, request_id=pk)
    user = request.user
    decision_refusal = ""
    if is_director(user) and late_request.can_be_decided:
        decision_refusal = services.decision_refusal(late_request, user)
    # The class teacher applies here; the sysadmin in the admin (the page says whether they may).
    apply_check = None
    if late_request.can_be_applied and (late_request.school_class.class_teacher_id == user.pk or is_sysadmin(user)):
        apply_check = services.applier_check(late_request, user, day=timezone.localdate())
    return render(
        request,
        "audit/late_changes/detail.html",
        {
            "req": late_request,
            "may_decide": is_director(user) and late_request.can_be_decided and not decision_refusal,
            "decision_refusal": decision_refusal,
            "decision_form": DecisionForm(),
            "apply_check": apply_check,
            "in_admin": is_sysadmin(user),
            "rows": list(late_request.change_rows.select_related("applied_by"))
            if late_request.status == "applied"
            else [],
        },
    )


@require_POST
@role_required(is_director)
def late_change_decide(request, pk):
    """The director approves or rejects a request, with the resolution."""
    late_request = selectors.request_for_reader(user=request.user, request_id=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.late_change_decide(
                request_id=late_request.pk,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("Изменения по заявлению № %(n)s разрешены.") % {"n": late_request.number})
            else:
                messages.info(request, _("В изменениях по заявлению № %(n)s отказано.") % {"n": late_request.number})
            return redirect("audit:late_change_list")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("audit:late_change_detail", late_request.pk)


@require_POST
@role_required(is_class_teacher)
def late_change_apply(request, pk):
    """п. 4.4: in the sysadmin's absence, the class teacher of the class applies an approved request."""
    late_request = selectors.request_for_class_teacher(user=request.user, request_id=pk)
    try:
        rows = services.late_change_apply(request_id=late_request.pk, by=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("Изменения по заявлению № %(n)s внесены в журнал: %(count)s.")
            % {"n": late_request.number, "count": len(rows)},
        )
    return redirect("audit:late_change_detail", late_request.pk)


@require_GET
@role_required(*READERS)
def late_change_scan(request, pk):
    """The scan of the document, to those who may read the request (never a public media URL)."""
    late_request = selectors.request_for_reader(user=request.user, request_id=pk)
    if not late_request.scan:
        raise Http404
    return FileResponse(
        late_request.scan.open("rb"), as_attachment=False, filename=late_request.scan.name.rsplit("/", 1)[-1]
    )


# --- The sysadmin's absence (п. 4.4) -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(services.may_record_absences)
def sysadmin_absences(request):
    """The director or the deputy records the sysadmin's absence: on those days the class teacher applies."""
    form = SysadminAbsenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.sysadmin_absence_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Отсутствие записано: %(absence)s.") % {"absence": absence})
            return redirect("audit:sysadmin_absences")
    today = timezone.localdate()
    return render(
        request,
        "audit/late_changes/absences.html",
        {
            "form": form,
            "absences": selectors.absences_for_list(day=today),
            "presence": selectors.sysadmin_presence(today),
            "today": today,
            **_nav(request.user),
        },
    )


@require_POST
@role_required(services.may_record_absences)
def sysadmin_absence_end(request, pk):
    """The sysadmin is back before the recorded end: from today the class teacher no longer applies."""
    absence = get_object_or_404(SysadminAbsence, pk=pk)
    try:
        absence = services.sysadmin_absence_end(by=request.user, absence_id=absence.pk)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Отсутствие завершено: %(absence)s.") % {"absence": absence})
    return redirect("audit:sysadmin_absences")


# --- The change table (п. 4.3) ------------------------------------------------------------------------------------


def _class_period_choice(request) -> dict:
    classes = selectors.classes_for_tables()
    periods = selectors.current_periods()
    school_class = period = None
    if request.GET.get("class") and request.GET.get("period"):
        school_class, period = selectors.class_and_period(
            class_id=request.GET["class"], period_id=request.GET["period"]
        )
    return {"classes": classes, "periods": periods, "school_class": school_class, "period": period}


@require_GET
@role_required(*MANAGERS)
def change_table(request):
    """Таблица учёта изменений of a class for a period, as the deputy keeps it (п. 4.3)."""
    context = _class_period_choice(request)
    rows = []
    if context["school_class"] is not None:
        rows = selectors.change_table(school_class=context["school_class"], period=context["period"])
    return render(request, "audit/late_changes/change_table.html", context | {"rows": rows, **_nav(request.user)})


@require_GET
@role_required(*MANAGERS)
def change_table_xlsx(request):
    school_class, period = selectors.class_and_period(
        class_id=request.GET.get("class"), period_id=request.GET.get("period")
    )
    rows = selectors.change_table(school_class=school_class, period=period)
    content = exports.change_table_xlsx(school_class=school_class, period=period, rows=rows)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    return _attachment(response, exports.change_table_filename(school_class, period))


# --- The summary sheet (сводная ведомость) ------------------------------------------------------------------------


@require_GET
@role_required(*MANAGERS)
def summary_sheet_pdf(request):
    """The summary sheet of one class for a period, with its change table attached (п. 4.3)."""
    school_class, period = selectors.class_and_period(
        class_id=request.GET.get("class"), period_id=request.GET.get("period")
    )
    sheet = selectors.summary_sheet(school_class=school_class, period=period)
    response = HttpResponse(pdf.summary_sheet_pdf(sheet), content_type="application/pdf")
    return _attachment(response, pdf.summary_sheet_filename(school_class, period))


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def summary_sheets(request):
    """The whole school's summary sheets for a period: start the job, watch it, download the archive."""
    periods = selectors.current_periods()
    if request.method == "POST":
        period = selectors.period_by_id(request.POST.get("period"))
        with transaction.atomic():
            batch = summary_sheets_enqueue(period=period, by=request.user)
        messages.info(request, _("Сводные ведомости за «%(period)s» формируются.") % {"period": period})
        return redirect(reverse("audit:summary_sheets") + f"?batch={batch.pk}")
    batches = list(SummarySheetBatch.objects.select_related("period__year").order_by("-requested_at")[:10])
    chosen = None
    if request.GET.get("batch"):
        chosen = next((b for b in batches if str(b.pk) == request.GET["batch"]), None)
    return render(
        request,
        "audit/late_changes/sheets.html",
        {
            "periods": periods,
            "default_period": selectors.default_period(periods),
            "batches": batches,
            "chosen": chosen,
            **_nav(request.user),
        },
    )


@require_GET
@role_required(*MANAGERS)
def summary_sheets_status(request, pk):
    batch = get_object_or_404(SummarySheetBatch, pk=pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_display": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "download": reverse("audit:summary_sheets_download", args=[batch.pk])
            if batch.status == SummarySheetBatch.Status.DONE
            else "",
            "error": batch.error,
        }
    )


@require_GET
@role_required(*MANAGERS)
def summary_sheets_download(request, pk):
    batch = get_object_or_404(SummarySheetBatch, pk=pk, status=SummarySheetBatch.Status.DONE)
    if not batch.file:
        raise Http404
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.file.name.rsplit("/", 1)[-1])


# --- The register of requests (п. 4.5) ----------------------------------------------------------------------------


def _register_period(request):
    periods = selectors.current_periods()
    period = selectors.period_by_id(request.GET["period"]) if request.GET.get("period") else None
    return periods, period or selectors.default_period(periods)


@require_GET
@role_required(*MANAGERS)
def register(request):
    """«Заявления подшиваются за учебный период, к которому они относятся» (п. 4.5)."""
    periods, period = _register_period(request)
    requests = selectors.register_of_period(period=period) if period else []
    return render(
        request,
        "audit/late_changes/register.html",
        {"periods": periods, "period": period, "requests": requests, **_nav(request.user)},
    )


@require_GET
@role_required(*MANAGERS)
def register_pdf(request):
    period = selectors.period_by_id(request.GET.get("period"))
    requests = selectors.register_of_period(period=period)
    response = HttpResponse(pdf.register_pdf(period=period, requests=requests), content_type="application/pdf")
    return _attachment(response, pdf.register_filename(period))
