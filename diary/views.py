"""The parent and student diary (раздел 5 Положения): read-only pages about one child.

Every page is GET-only (a POST answers 405), open to the Родитель and Обучающийся roles (others get 403),
and shows a student only through ``diary.access.student_for_reader`` (anyone else's child is a 404).
Each view of a student's page is recorded as one ``DiaryVisit`` for the statistics of п. 3.3.
"""

import datetime
import os

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from journal import pagecache
from journal.history_selectors import late_changes_of_student
from journal.models import StudyPeriod
from journal.roles import is_parent, is_reader, role_required

from . import render as diary_render
from . import selectors
from .access import student_for_reader
from .forms import PeriodForm, WeekForm
from .services import diary_visit_record


def reader_view(view):
    """GET only (405 before anything else), for parents and students (403), kept out of shared caches."""
    return require_GET(role_required(is_reader)(cache_control(private=True)(view)))


def _chosen_period(request, periods: list[StudyPeriod], today: datetime.date) -> StudyPeriod | None:
    """``?period=<id>`` among the class's periods (anything else is a 404), else the current one."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    period_id = form.cleaned_data["period"]
    if period_id is None:
        return StudyPeriod.current_among(periods, today)
    for period in periods:
        if period.pk == period_id:
            return period
    raise Http404


def _page(request, template: str, page: str, student, context: dict):
    """Record the visit and render a student's diary page with the navigation and the child switcher."""
    diary_visit_record(user=request.user, student=student, page=page)
    context.update(student=student, children=student.reader_children, page=page, page_url=f"diary:{page}")
    return render(request, template, context)


@reader_view
def index(request):
    """The user's children: a student or a parent of one child goes straight to the diary."""
    children = list(selectors.students_readable_by(user=request.user).select_related("user", "school_class"))
    own = next((child for child in children if child.user_id == request.user.pk), None)
    if own is not None and not is_parent(request.user):
        return redirect("diary:week", student_id=own.pk)
    if len(children) == 1:
        return redirect("diary:week", student_id=children[0].pk)
    return render(request, "diary/index.html", {"children": children})


def _week_html(student, monday: datetime.date, today: datetime.date) -> str:
    days = selectors.lessons_for_week(student=student, monday=monday)
    # Marks changed after the deadline show their basis: the request number and date (раздел 4), one query.
    lessons = [lesson for day in days for lesson in day.lessons]
    if lessons:
        notes = late_changes_of_student(student=student, lesson_ids=[lesson.pk for lesson in lessons])
        notes.attach(marks=[mark for lesson in lessons for mark in lesson.diary_marks])
    return diary_render.week_html(days=days, student=student, today=today)


@reader_view
def week(request, student_id: int):
    """Monday to Saturday: lessons with bell times, topics, homework, marks and attendance."""
    student = student_for_reader(user=request.user, student_id=student_id)
    today = timezone.localdate()
    monday = selectors.week_start(WeekForm(request.GET).day(today))
    # The week is rendered again after any change to what it shows (journal.pagecache); the access check
    # above, the frame and the visit run on every request.
    key = pagecache.page_key("week", student.school_class_id, student.pk, monday)
    days_html = pagecache.page_get(key)
    if days_html is None:
        days_html = _week_html(student, monday, today)
        pagecache.page_set(key, days_html)
    return _page(
        request,
        "diary/week.html",
        "week",
        student,
        {
            "days_html": mark_safe(days_html),  # built with html.escape in diary.render
            "monday": monday,
            "saturday": monday + datetime.timedelta(days=selectors.WEEK_DAYS - 1),
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "this_week": selectors.week_start(today),
        },
    )


@reader_view
def homework_file(request, student_id: int, lesson_id: int):
    """The homework attachment of one of the student's lessons, streamed; 404 for any other lesson."""
    student = student_for_reader(user=request.user, student_id=student_id)
    lesson = selectors.homework_lesson_for_student(student=student, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    try:
        handle = lesson.homework_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    diary_visit_record(user=request.user, student=student, page="homework")
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(lesson.homework_file.name))


def _marks_html(student, period: StudyPeriod, year: StudyPeriod | None) -> str:
    rows = selectors.marks_for_period(student=student, period=period, year=year)
    notes = late_changes_of_student(student=student, period=period)
    notes.attach(marks=[mark for row in rows for mark in row.marks])
    for row in rows:
        row.period_late_change = notes.for_period_mark(subject_id=row.subject.pk, period_id=period.pk)
        row.year_late_change = year and notes.for_period_mark(subject_id=row.subject.pk, period_id=year.pk)
    return diary_render.marks_html(rows=rows, period=period)


@reader_view
def marks(request, student_id: int):
    """Marks of a period per subject, with the weighted average, the period and the year mark."""
    student = student_for_reader(user=request.user, student_id=student_id)
    periods = selectors.periods_for_student(student=student)
    period = _chosen_period(request, periods, timezone.localdate())
    rows_html = ""
    if period:
        key = pagecache.page_key("marks", student.school_class_id, student.pk, period.pk)
        rows_html = pagecache.page_get(key)
        if rows_html is None:
            rows_html = _marks_html(student, period, selectors.year_period(periods))
            pagecache.page_set(key, rows_html)
    return _page(
        request,
        "diary/marks.html",
        "marks",
        student,
        # The rows are built with html.escape in diary.render.
        {"periods": periods, "period": period, "rows_html": mark_safe(rows_html)},
    )


@reader_view
def attendance(request, student_id: int):
    """Absences of a period by subject and by code, with totals."""
    student = student_for_reader(user=request.user, student_id=student_id)
    today = timezone.localdate()
    periods = selectors.periods_for_student(student=student)
    period = _chosen_period(request, periods, today)
    report = selectors.attendance_for_period(student=student, period=period, today=today) if period else None
    if report:
        notes = late_changes_of_student(student=student, period=period)
        notes.attach(attendance=[absence for row in report.subjects for absence in row.absences])
    return _page(
        request,
        "diary/attendance.html",
        "attendance",
        student,
        {"periods": periods, "period": period, "report": report, "codes": selectors.ATTENDANCE_CODES},
    )


@reader_view
def timetable(request, student_id: int):
    """The weekly timetable of the current period (раздел 5: «расписание занятий на текущий период»)."""
    student = student_for_reader(user=request.user, student_id=student_id)
    terms = [p for p in selectors.periods_for_student(student=student) if not p.is_final]
    period = _chosen_period(request, terms, timezone.localdate())
    days = selectors.timetable_for_period(student=student, period=period) if period else []
    return _page(
        request, "diary/timetable.html", "timetable", student, {"periods": terms, "period": period, "days": days}
    )


@reader_view
def school(request):
    """The school card, the bells and the staff (раздел 5: «другие информационные ресурсы»)."""
    school = selectors.school_for_reader(user=request.user)
    if school is None:
        raise Http404
    return render(
        request,
        "diary/school.html",
        {
            "school": school,
            "bells": selectors.bells_of_school(school=school),
            "staff": selectors.staff_of_school(school=school),
        },
    )
