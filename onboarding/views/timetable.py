"""Timetable, bells, calendar, lesson generation and single lessons (the deputy and the sysadmin)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journal import services as journal_services
from journal.models import HistoryEntry, Holiday, SchoolClass, StudyPeriod, TimetableSlot, WorkdayTransfer

from .. import forms, generation, selectors, services
from ..access import is_planner, role_required
from .common import class_and_period, error_message, form_errors, page_url


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def timetable(request):
    year, classes, school_class, terms, period = class_and_period(request)
    if school_class is None or period is None:
        return render(request, "onboarding/timetable.html", {"year": year, "classes": classes, "terms": terms})
    back = page_url("timetable", cls=school_class.pk, period=period.pk)
    if request.method == "POST":
        form = forms.SlotForm(request.POST, school_class=school_class)
        if form.is_valid():
            try:
                _slot, warnings = services.slot_add(period=period, **form.cleaned_data)
                messages.success(request, _("Урок добавлен в расписание."))
                for warning in warnings:
                    messages.warning(request, warning)
            except ValidationError as error:
                messages.error(request, error_message(error))
        else:
            form_errors(request, form)
        return redirect(back)
    grid = selectors.timetable_for(school_class=school_class, period=period)
    all_terms = selectors.terms_of_year(year)
    return render(
        request,
        "onboarding/timetable.html",
        {
            "year": year,
            "classes": classes,
            "terms": terms,
            "school_class": school_class,
            "period": period,
            "grid": grid,
            "form": forms.SlotForm(school_class=school_class),
            "copy_form": forms.CopyForm(
                periods=[p for p in all_terms if p.kind == school_class.period_kind],
                classes=classes,
                initial={"source_period": period.pk, "source_class": school_class.pk},
            ),
        },
    )


@require_POST
@role_required(is_planner)
def slot_delete(request, slot_id):
    slot = selectors.get_or_404(TimetableSlot.objects.select_related("assignment"), slot_id)
    services.slot_delete(slot=slot)
    messages.success(request, _("Урок убран из расписания. Уже созданные уроки изменятся при следующей генерации."))
    return redirect(page_url("timetable", cls=slot.assignment.school_class_id, period=slot.period_id))


@require_POST
@role_required(is_planner)
def timetable_copy(request):
    _year, classes, school_class, terms, period = class_and_period(request)
    if school_class is None or period is None:
        messages.error(request, _("Выберите класс и период."))
        return redirect(page_url("timetable"))
    all_terms = selectors.terms_of_year(school_class.year)
    form = forms.CopyForm(
        request.POST, periods=[p for p in all_terms if p.kind == school_class.period_kind], classes=classes
    )
    if form.is_valid():
        try:
            result = services.timetable_copy(
                source_period=form.cleaned_data["source_period"],
                source_class=form.cleaned_data["source_class"],
                target_period=period,
                target_class=school_class,
                replace=form.cleaned_data["replace"],
            )
            messages.success(
                request,
                _("Скопировано уроков: %(n)s; удалено прежних: %(r)s.") % {"n": result.copied, "r": result.replaced},
            )
            for skipped in result.skipped:
                messages.warning(request, _("Пропущено: %(why)s") % {"why": skipped})
        except ValidationError as error:
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("timetable", cls=school_class.pk, period=period.pk))


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def bells(request):
    school = selectors.the_school()
    if school is None:
        messages.error(request, _("Сначала заполните карточку ОУ."))
        return redirect(page_url("school_card"))
    if request.method == "POST":
        formset = forms.BellFormSet(request.POST, prefix="b")
        if formset.is_valid():
            rows = [
                row for row in formset.cleaned_data if row and not row.get("DELETE") and row.get("number") is not None
            ]
            try:
                count = services.bells_save(school=school, rows=rows)
                messages.success(request, _("Расписание звонков сохранено: уроков %(n)s.") % {"n": count})
                return redirect(page_url("bells"))
            except ValidationError as error:
                messages.error(request, error_message(error))
    else:
        initial = [{"number": b.number, "starts": b.starts, "ends": b.ends} for b in school.bells.order_by("number")]
        formset = forms.BellFormSet(initial=initial, prefix="b")
    return render(request, "onboarding/bells.html", {"formset": formset, "school": school})


# --- Calendar -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def calendar(request):
    year = selectors.pick_year(request.GET.get("year") or request.POST.get("year"))
    if year is None:
        messages.error(request, _("Сначала заведите учебный год (администрирование)."))
        return redirect(page_url("index"))
    holiday_form, transfer_form = forms.HolidayForm(), forms.TransferForm()
    if request.method == "POST":
        if request.POST.get("what") == "transfer":
            transfer_form = forms.TransferForm(request.POST)
            if transfer_form.is_valid():
                try:
                    services.transfer_add(origin=_origin(request), year=year, **transfer_form.cleaned_data)
                    messages.success(request, _("Перенос рабочего дня внесён."))
                    return redirect(page_url("calendar", year=year.pk))
                except ValidationError as error:
                    messages.error(request, error_message(error))
        else:
            holiday_form = forms.HolidayForm(request.POST)
            if holiday_form.is_valid():
                try:
                    services.holiday_add(origin=_origin(request), year=year, **holiday_form.cleaned_data)
                    messages.success(request, _("Каникулы (праздник) внесены."))
                    return redirect(page_url("calendar", year=year.pk))
                except ValidationError as error:
                    messages.error(request, error_message(error))
    return render(
        request,
        "onboarding/calendar.html",
        {
            "year": year,
            "periods": list(year.periods.order_by("kind", "number")),
            "holidays": list(year.holidays.order_by("start")),
            "transfers": list(year.workday_transfers.order_by("date")),
            "holiday_form": holiday_form,
            "transfer_form": transfer_form,
        },
    )


def _origin(request) -> journal_services.Origin:
    return journal_services.Origin(by=request.user, source=HistoryEntry.Source.GRID)


@require_POST
@role_required(is_planner)
def holiday_delete(request, holiday_id):
    holiday = selectors.get_or_404(Holiday.objects.all(), holiday_id)
    try:
        services.holiday_delete(origin=_origin(request), holiday=holiday)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("Удалено: %(what)s.") % {"what": holiday})
    return redirect(page_url("calendar", year=holiday.year_id))


@require_POST
@role_required(is_planner)
def transfer_delete(request, transfer_id):
    transfer = selectors.get_or_404(WorkdayTransfer.objects.all(), transfer_id)
    try:
        services.transfer_delete(origin=_origin(request), transfer=transfer)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("Перенос удалён."))
    return redirect(page_url("calendar", year=transfer.year_id))


# --- Lesson generation --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def generate(request):
    source = request.POST if request.method == "POST" else request.GET
    year = selectors.pick_year(source.get("year"))
    terms = selectors.terms_of_year(year)
    period = next((p for p in terms if str(p.pk) == str(source.get("period"))), None)
    classes = selectors.classes_of_year(year)
    chosen = [c for c in classes if str(c.pk) == str(source.get("cls"))]
    plan = None
    if period is not None:
        try:
            if request.method == "POST":
                plan = generation.generation_apply(period=period, by=request.user, classes=chosen or None)
                messages.success(request, _("Готово. ") + plan.summary())
                return redirect(page_url("generate", year=year.pk, period=period.pk, cls=source.get("cls")))
            plan = generation.generation_plan(period=period, classes=chosen or None)
        except ValidationError as error:
            messages.error(request, error_message(error))
    return render(
        request,
        "onboarding/generate.html",
        {
            "year": year,
            "terms": terms,
            "period": period,
            "classes": classes,
            "chosen": chosen[0] if chosen else None,
            "plan": plan,
        },
    )


# --- Lessons of a class ------------------------------------------------------------------------------------------


def _week(request, period: StudyPeriod | None) -> datetime.date:
    value = request.GET.get("week")
    if value:
        try:
            return selectors.monday_of(datetime.date.fromisoformat(value))
        except ValueError:
            pass
    today = timezone.localdate()
    if period is not None and not period.start <= today <= period.end:
        today = period.start
    return selectors.monday_of(today)


@require_http_methods(["GET"])
@role_required(is_planner)
def lessons(request):
    year, classes, school_class, terms, period = class_and_period(request)
    context = {"year": year, "classes": classes, "terms": terms, "school_class": school_class, "period": period}
    if school_class is None:
        return render(request, "onboarding/lessons.html", context)
    monday = _week(request, period)
    week = selectors.lessons_of_week(school_class=school_class, monday=monday)
    days = []
    for offset in range(6):
        day = monday + datetime.timedelta(days=offset)
        days.append((day, [lesson for lesson in week if lesson.date == day]))
    context.update(
        {
            "monday": monday,
            "days": days,
            "prev_week": (monday - datetime.timedelta(days=7)).isoformat(),
            "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
            "add_form": forms.LessonAddForm(school_class=school_class, initial={"date": monday, "number": 1}),
        }
    )
    return render(request, "onboarding/lessons.html", context)


@require_POST
@role_required(is_planner)
def lesson_add(request):
    school_class = selectors.get_or_404(SchoolClass.objects.select_related("year"), request.POST.get("cls"))
    form = forms.LessonAddForm(request.POST, school_class=school_class)
    week = ""
    if form.is_valid():
        data = form.cleaned_data
        week = data["date"].isoformat()
        period = None
        if request.POST.get("period"):
            period = selectors.get_or_404(StudyPeriod.objects.all(), request.POST.get("period"))
        try:
            lesson = services.lesson_add(
                origin=journal_services.Origin(by=request.user),
                assignment=data["assignment"],
                date=data["date"],
                number=data["number"],
                room=data["room"],
                period=period,
            )
            messages.success(
                request,
                _("Урок добавлен: %(day)s, %(n)s урок.")
                % {"day": lesson.date.strftime("%d.%m.%Y"), "n": lesson.number},
            )
        except ValidationError as error:
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("lessons", cls=school_class.pk, period=request.POST.get("period"), week=week))


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def lesson_edit(request, lesson_id):
    lesson = selectors.lesson_for_planner(lesson_id)
    teachers = selectors.teachers()
    move_form = forms.LessonMoveForm(initial={"date": lesson.date, "number": lesson.number, "room": lesson.room})
    substitute_form = forms.SubstituteForm(teachers=teachers, initial={"teacher": lesson.substitute_id})
    if request.method == "POST":
        action = request.POST.get("action")
        origin = journal_services.Origin(by=request.user)
        try:
            if action == "move":
                move_form = forms.LessonMoveForm(request.POST)
                if move_form.is_valid():
                    services.lesson_move(origin=origin, lesson=lesson, **move_form.cleaned_data)
                    messages.success(request, _("Урок перенесён."))
                    return redirect(page_url("lesson", lesson.pk))
            elif action in ("cancel", "restore"):
                journal_services.lesson_set_held(origin=origin, lesson=lesson, held=action == "restore")
                messages.success(request, _("Урок отменён.") if action == "cancel" else _("Урок восстановлен."))
                return redirect(page_url("lesson", lesson.pk))
            elif action == "substitute":
                substitute_form = forms.SubstituteForm(request.POST, teachers=teachers)
                if substitute_form.is_valid():
                    journal_services.lesson_substitute(
                        origin=origin, lesson=lesson, teacher=substitute_form.cleaned_data["teacher"]
                    )
                    messages.success(request, _("Замена сохранена."))
                    return redirect(page_url("lesson", lesson.pk))
        except ValidationError as error:
            messages.error(request, error_message(error))
    history = HistoryEntry.objects.filter(lesson_id=lesson.pk, kind=HistoryEntry.Kind.LESSON).select_related("user")
    return render(
        request,
        "onboarding/lesson.html",
        {
            "lesson": lesson,
            "move_form": move_form,
            "substitute_form": substitute_form,
            "history": list(history.order_by("-id")[:20]),
            "adjustment": getattr(lesson, "adjustment", None),
            "mark_count": lesson.marks.count(),
        },
    )
