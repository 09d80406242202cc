"""The teacher's journal: the start page, the marks grid and its small write endpoints.

Views are thin: read input, fetch the object through an access helper (404 for anyone else's), call one
service, turn its ``ValidationError`` into a message.
"""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal.windows import WindowClosed

from . import caches, pagecache, selectors, services
from .forms import CellDetailsForm, LessonForm
from .grid import render_cell_content, render_grid
from .models import Attendance, Student
from .roles import is_class_teacher, is_teacher, role_required, start_url


def home(request):
    """``/``: each role to its start page."""
    return redirect(start_url(request.user))


def no_role(request):
    return render(request, "no_role.html", status=403)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _error(error: ValidationError, **extra) -> JsonResponse:
    status = 409 if isinstance(error, services.StaleWrite) else 422
    return JsonResponse(
        {"ok": False, "error": _message(error), "locked": isinstance(error, WindowClosed), **extra}, status=status
    )


@require_GET
@role_required(is_teacher)
def index(request):
    own, read_only = selectors.teacher_overview(user=request.user)
    return render(
        request,
        "journal/index.html",
        {"own": own, "read_only": read_only, "is_class_teacher": is_class_teacher(request.user)},
    )


@require_GET
@role_required(is_teacher)
def grid(request, assignment_id):
    assignment, can_write = selectors.assignment_for_reader(user=request.user, assignment_id=assignment_id)
    periods = selectors.periods_for_class(assignment.school_class)
    period = selectors.pick_period(periods, request.GET.get("period"))
    if period is None:
        return render(request, "journal/no_periods.html", {"assignment": assignment})
    # The table is the same for every reader of the assignment; it is rendered again after any change
    # to what it shows (journal.pagecache). The access check above and the frame run every time.
    key = pagecache.page_key("grid", assignment.school_class_id, assignment.pk, period.pk)
    table = pagecache.page_get(key)
    if table is None:
        data = selectors.grid_for(assignment=assignment, period=period, periods=periods, can_write=can_write)
        table = render_grid(data)
        pagecache.page_set(key, table)
        planned_left = data.planned_topics_left
    else:
        planned_left = selectors.planned_topics_left(assignment)
    frame = selectors.GridFrame(assignment, period, periods, can_write, planned_left)
    return render(
        request,
        "journal/grid.html",
        {
            "grid": frame,
            "grid_html": mark_safe(table),  # built with html.escape in journal.grid
            "work_types": sorted(caches.work_types().values(), key=lambda w: (w.weight, w.name)),
        },
    )


def _student_id(request) -> int:
    try:
        return int(request.POST.get("student") or request.GET.get("student") or "")
    except ValueError:
        raise ValidationError(_("Не указан ученик.")) from None


@require_POST
@role_required(is_teacher)
def cell_save(request, assignment_id):
    # One query finds the lesson of this assignment that the user teaches (or substitutes); else 404.
    lesson = selectors.lesson_for_writer(
        user=request.user, lesson_id=request.POST.get("lesson"), assignment_id=assignment_id
    )
    try:
        state = services.cell_save(
            origin=services.Origin(by=request.user),
            lesson=lesson,
            student_id=_student_id(request),
            text=request.POST.get("text", ""),
            expected=request.POST.get("expected", ""),
        )
    except services.StaleWrite as error:
        current = error.current
        return _error(error, k=current.token, h=render_cell_content(current, caches.work_types()))
    except ValidationError as error:
        return _error(error)
    return JsonResponse({"ok": True, "k": state.token, "h": render_cell_content(state, caches.work_types())})


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def cell_details(request, assignment_id):
    """Enter on a cell: its marks with work type, weight and «за что», and the attendance code."""
    assignment = selectors.assignment_for_writer(user=request.user, assignment_id=assignment_id)
    lesson = selectors.lesson_for_writer(
        user=request.user, lesson_id=request.POST.get("lesson") or request.GET.get("lesson"), assignment=assignment
    )
    student = (
        Student.objects.select_related("user")
        .filter(
            pk=request.POST.get("student") or request.GET.get("student") or 0,
            school_class_id=assignment.school_class_id,
        )
        .first()
    )
    if student is None:
        return JsonResponse({"ok": False, "error": _("Этот ученик не учится в классе урока.")}, status=422)
    types = caches.work_types()
    if request.method == "POST":
        form = CellDetailsForm(request.POST, work_types=types)
        if form.is_valid():
            try:
                state = services.cell_details_save(
                    origin=services.Origin(by=request.user),
                    lesson=lesson,
                    student_id=student.pk,
                    marks=form.mark_inputs(),
                    code=form.cleaned_data["code"],
                    expected=form.cleaned_data["expected"],
                )
            except services.StaleWrite as error:
                return _error(error, k=error.current.token, h=render_cell_content(error.current, types))
            except ValidationError as error:
                return _error(error)
            return JsonResponse({"ok": True, "k": state.token, "h": render_cell_content(state, types)})
        return JsonResponse({"ok": False, "error": " ".join(form.error_list())}, status=422)
    marks = selectors.cell_marks(lesson=lesson, student=student)
    attendance = Attendance.objects.filter(lesson=lesson, student=student).first()
    state = services.CellState(marks=marks, attendance=attendance)
    return render(
        request,
        "journal/partials/cell_details.html",
        {
            "lesson": lesson,
            "student": student,
            "marks": marks,
            "attendance": attendance,
            "token": state.token,
            "work_types": sorted(types.values(), key=lambda w: w.name),
            "default_type": services.default_work_type(lesson),
            "codes": Attendance.Code.choices,
            "assignment": assignment,
        },
    )


@require_POST
@role_required(is_teacher)
def period_mark_save(request, assignment_id):
    assignment = selectors.assignment_for_writer(user=request.user, assignment_id=assignment_id)
    periods = selectors.periods_for_class(assignment.school_class)
    period = selectors.pick_period(periods, request.POST.get("period") or "0")
    try:
        student = selectors.students_of_assignment(assignment).filter(pk=_student_id(request)).first()
        if student is None:
            raise ValidationError(_("Этот ученик не учится в классе (подгруппе)."))
        mark = services.period_mark_set(
            origin=services.Origin(by=request.user),
            student=student,
            subject=assignment.subject,
            period=period,
            value=request.POST.get("value", ""),
            expected=request.POST.get("expected", ""),
        )
    except services.StaleWrite as error:
        value = error.current.value if error.current else ""
        return _error(error, k=value, h=value)
    except ValidationError as error:
        return _error(error)
    value = mark.value if mark else ""
    return JsonResponse({"ok": True, "k": value, "h": value})


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def lesson_panel(request, lesson_id):
    """A lesson's topic, homework (text and file) and attendance of the whole class."""
    lesson = selectors.lesson_for_writer(user=request.user, lesson_id=lesson_id)
    assignment = lesson.assignment
    origin = services.Origin(by=request.user)
    if request.method == "POST":
        form = LessonForm(request.POST, request.FILES, assignment=assignment)
        if form.is_valid():
            try:
                services.lesson_topic_set(
                    origin=origin,
                    lesson=lesson,
                    topic=form.cleaned_data["topic"],
                    planned_topic=form.cleaned_data["planned_topic"],
                )
                services.lesson_homework_set(
                    origin=origin,
                    lesson=lesson,
                    text=form.cleaned_data["homework"],
                    upload=form.cleaned_data["homework_file"] or None,
                    remove_file=form.cleaned_data["remove_file"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Урок %(day)s сохранён.") % {"day": lesson.date.strftime("%d.%m.%Y")})
                return redirect(_grid_url(assignment, request.POST.get("period")))
    else:
        form = LessonForm(
            initial={"topic": lesson.topic, "homework": lesson.homework, "planned_topic": lesson.planned_topic_id},
            assignment=assignment,
        )
    students = list(selectors.students_of_assignment(assignment))
    codes = dict(Attendance.objects.filter(lesson=lesson).values_list("student_id", "code"))
    return render(
        request,
        "journal/lesson.html",
        {
            "lesson": lesson,
            "assignment": assignment,
            "form": form,
            "rows": [(s, codes.get(s.pk, "")) for s in students],
            "codes": Attendance.Code.choices,
            "period_id": request.GET.get("period") or request.POST.get("period") or "",
            "file_name": os.path.basename(lesson.homework_file.name) if lesson.homework_file else "",
        },
    )


@require_GET
@role_required(is_teacher)
def lesson_file(request, lesson_id):
    """The homework attachment of a lesson the user teaches (or substitutes), streamed; 404 for anyone else's."""
    lesson = selectors.lesson_for_writer(user=request.user, lesson_id=lesson_id)
    if not lesson.homework_file:
        raise Http404
    try:
        handle = lesson.homework_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(lesson.homework_file.name))


@require_POST
@role_required(is_teacher)
def lesson_attendance(request, lesson_id):
    """The whole lesson's attendance in one request; «все присутствуют» sends no codes."""
    lesson = selectors.lesson_for_writer(user=request.user, lesson_id=lesson_id)
    codes = {}
    if not request.POST.get("all_present"):
        for key, value in request.POST.items():
            if key.startswith("s") and key[1:].isdigit() and value:
                codes[int(key[1:])] = value
    try:
        services.lesson_attendance_save(origin=services.Origin(by=request.user), lesson=lesson, codes=codes)
    except ValidationError as error:
        if request.headers.get("x-requested-with") == "fetch":
            return _error(error)
        messages.error(request, _message(error))
        return redirect(reverse("journal:lesson", args=[lesson.pk]))
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"ok": True, "absent": len(codes)})
    messages.success(
        request,
        _("Посещаемость урока %(day)s сохранена: отсутствуют %(n)s.")
        % {"day": lesson.date.strftime("%d.%m.%Y"), "n": len(codes)},
    )
    return redirect(_grid_url(lesson.assignment, request.POST.get("period")))


@require_POST
@role_required(is_teacher)
def fill_topics(request, assignment_id):
    """«Заполнить из КТП»: lessons of the period without a topic take the next planned topics in order."""
    assignment = selectors.assignment_for_writer(user=request.user, assignment_id=assignment_id)
    periods = selectors.periods_for_class(assignment.school_class)
    period = selectors.pick_period(periods, request.POST.get("period"))
    lessons = list(assignment.lessons.filter(date__gte=period.start, date__lte=period.end))
    filled = services.topics_fill_from_plan(
        origin=services.Origin(by=request.user), assignment=assignment, lessons=lessons
    )
    if filled:
        messages.success(request, _("Темы из КТП внесены в уроки: %(n)s.") % {"n": filled})
    else:
        messages.info(request, _("Нет уроков без темы или в КТП не осталось тем."))
    return redirect(_grid_url(assignment, period.pk))


def _grid_url(assignment, period_id) -> str:
    url = reverse("journal:grid", args=[assignment.pk])
    return f"{url}?period={period_id}" if period_id else url


@require_GET
def work_type_css(request):
    """Colours of the work types (the deputy may add types in the admin), as a stylesheet: no inline styles."""
    # color for the grid's marks, --dl-c for the diary's mark borders
    rules = "".join(f".w{wt.pk}{{color:{wt.color};--dl-c:{wt.color}}}" for wt in caches.work_types().values())
    response = HttpResponse(rules, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
