"""Planning and onboarding pages (/plan/): timetable, calendar, lessons, КТП, imports, accounts, cards.

Views are thin: read input, fetch the object through an access helper (404 for anyone else's), call one
service, turn its ``ValidationError`` into a message, redirect or render.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journal import services as journal_services
from journal.models import (
    Guardianship,
    HistoryEntry,
    Holiday,
    Role,
    School,
    SchoolClass,
    StudyPeriod,
    Teacher,
    TimetableSlot,
    User,
    WorkdayTransfer,
)

from .. import accounts, forms, generation, guardianships, imports, ktp, selectors, services, slips
from ..access import can_use_planning, is_class_teacher, is_deputy, is_planner, is_sysadmin, is_teacher, role_required


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _url(name: str, *args, **query) -> str:
    url = reverse(f"onboarding:{name}", args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


# --- Start page ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@role_required(can_use_planning)
def index(request):
    year = selectors.pick_year()
    user = request.user
    return render(
        request,
        "onboarding/index.html",
        {
            "year": year,
            "is_planner": is_planner(user),
            "is_sysadmin": is_sysadmin(user),
            "is_deputy": is_deputy(user),
            "is_teacher": is_teacher(user),
            "is_class_teacher": is_class_teacher(user),
            "counts": selectors.missing_counts(year) if is_planner(user) else {},
            "own_card": Teacher.objects.filter(user=user).first(),
        },
    )


# --- Choosing a class and a period --------------------------------------------------------------------------------


def _class_and_period(request, *, need_period: bool = True):
    """The year, class and term a planning page shows, from ``?year=&cls=&period=``."""
    source = request.GET if request.method == "GET" else request.POST
    year = selectors.pick_year(source.get("year"))
    classes = selectors.classes_of_year(year)
    school_class = None
    if source.get("cls"):
        school_class = selectors.get_or_404(SchoolClass.objects.select_related("year"), source.get("cls"))
    elif classes:
        school_class = classes[0]
    if school_class is not None:
        year = school_class.year
        if not classes or classes[0].year_id != year.pk:
            classes = selectors.classes_of_year(year)
    terms = selectors.terms_of_year(year)
    period = None
    if school_class is not None:
        own_terms = [p for p in terms if p.kind == school_class.period_kind]
        if source.get("period"):
            period = next((p for p in own_terms if str(p.pk) == str(source.get("period"))), None)
        if period is None and need_period:
            period = selectors.current_term(terms, school_class.period_kind)
        terms = own_terms
    return year, classes, school_class, terms, period


# --- Timetable ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def timetable(request):
    year, classes, school_class, terms, period = _class_and_period(request)
    if school_class is None or period is None:
        return render(request, "onboarding/timetable.html", {"year": year, "classes": classes, "terms": terms})
    back = _url("timetable", cls=school_class.pk, period=period.pk)
    if request.method == "POST":
        form = forms.SlotForm(request.POST, school_class=school_class)
        if form.is_valid():
            try:
                _slot, warnings = services.slot_add(period=period, **form.cleaned_data)
                messages.success(request, _("Урок добавлен в расписание."))
                for warning in warnings:
                    messages.warning(request, warning)
            except ValidationError as error:
                messages.error(request, _message(error))
        else:
            _errors(request, form)
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
    return redirect(_url("timetable", cls=slot.assignment.school_class_id, period=slot.period_id))


@require_POST
@role_required(is_planner)
def timetable_copy(request):
    _year, classes, school_class, terms, period = _class_and_period(request)
    if school_class is None or period is None:
        messages.error(request, _("Выберите класс и период."))
        return redirect(_url("timetable"))
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
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("timetable", cls=school_class.pk, period=period.pk))


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def bells(request):
    school = selectors.the_school()
    if school is None:
        messages.error(request, _("Сначала заполните карточку ОУ."))
        return redirect(_url("school_card"))
    if request.method == "POST":
        formset = forms.BellFormSet(request.POST, prefix="b")
        if formset.is_valid():
            rows = [
                row for row in formset.cleaned_data if row and not row.get("DELETE") and row.get("number") is not None
            ]
            try:
                count = services.bells_save(school=school, rows=rows)
                messages.success(request, _("Расписание звонков сохранено: уроков %(n)s.") % {"n": count})
                return redirect(_url("bells"))
            except ValidationError as error:
                messages.error(request, _message(error))
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
        return redirect(_url("index"))
    holiday_form, transfer_form = forms.HolidayForm(), forms.TransferForm()
    if request.method == "POST":
        if request.POST.get("what") == "transfer":
            transfer_form = forms.TransferForm(request.POST)
            if transfer_form.is_valid():
                try:
                    services.transfer_add(year=year, **transfer_form.cleaned_data)
                    messages.success(request, _("Перенос рабочего дня внесён."))
                    return redirect(_url("calendar", year=year.pk))
                except ValidationError as error:
                    messages.error(request, _message(error))
        else:
            holiday_form = forms.HolidayForm(request.POST)
            if holiday_form.is_valid():
                try:
                    services.holiday_add(year=year, **holiday_form.cleaned_data)
                    messages.success(request, _("Каникулы (праздник) внесены."))
                    return redirect(_url("calendar", year=year.pk))
                except ValidationError as error:
                    messages.error(request, _message(error))
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


@require_POST
@role_required(is_planner)
def holiday_delete(request, holiday_id):
    holiday = selectors.get_or_404(Holiday.objects.all(), holiday_id)
    services.holiday_delete(holiday=holiday)
    messages.success(request, _("Удалено: %(what)s.") % {"what": holiday})
    return redirect(_url("calendar", year=holiday.year_id))


@require_POST
@role_required(is_planner)
def transfer_delete(request, transfer_id):
    transfer = selectors.get_or_404(WorkdayTransfer.objects.all(), transfer_id)
    services.transfer_delete(transfer=transfer)
    messages.success(request, _("Перенос удалён."))
    return redirect(_url("calendar", year=transfer.year_id))


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
                return redirect(_url("generate", year=year.pk, period=period.pk, cls=source.get("cls")))
            plan = generation.generation_plan(period=period, classes=chosen or None)
        except ValidationError as error:
            messages.error(request, _message(error))
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
    year, classes, school_class, terms, period = _class_and_period(request)
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
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("lessons", cls=school_class.pk, period=request.POST.get("period"), week=week))


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
                    return redirect(_url("lesson", lesson.pk))
            elif action in ("cancel", "restore"):
                journal_services.lesson_set_held(origin=origin, lesson=lesson, held=action == "restore")
                messages.success(request, _("Урок отменён.") if action == "cancel" else _("Урок восстановлен."))
                return redirect(_url("lesson", lesson.pk))
            elif action == "substitute":
                substitute_form = forms.SubstituteForm(request.POST, teachers=teachers)
                if substitute_form.is_valid():
                    journal_services.lesson_substitute(
                        origin=origin, lesson=lesson, teacher=substitute_form.cleaned_data["teacher"]
                    )
                    messages.success(request, _("Замена сохранена."))
                    return redirect(_url("lesson", lesson.pk))
        except ValidationError as error:
            messages.error(request, _message(error))
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


# --- КТП ----------------------------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@role_required(is_teacher)
def ktp_list(request):
    return render(request, "onboarding/ktp_list.html", {"assignments": selectors.ktp_overview(user=request.user)})


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def ktp_edit(request, assignment_id):
    assignment = selectors.assignment_for_ktp(user=request.user, assignment_id=assignment_id)
    form = forms.TopicForm()
    if request.method == "POST":
        form = forms.TopicForm(request.POST)
        if form.is_valid():
            after = None
            if request.POST.get("after"):
                after = selectors.topic_for_ktp(user=request.user, topic_id=request.POST.get("after"))
            try:
                services.topic_add(assignment=assignment, after=after, **form.cleaned_data)
                messages.success(request, _("Тема добавлена."))
                return redirect(_url("ktp", assignment.pk))
            except ValidationError as error:
                messages.error(request, _message(error))
    topics = ktp.topics_with_use(assignment)
    return render(
        request,
        "onboarding/ktp.html",
        {
            "assignment": assignment,
            "topics": topics,
            "form": form,
            "total_hours": sum(t.hours for t in topics),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def topic_edit(request, topic_id):
    topic = selectors.topic_for_ktp(user=request.user, topic_id=topic_id)
    initial = {
        "title": topic.title,
        "hours": topic.hours,
        "planned_date": topic.planned_date,
        "assessed_work_type": topic.assessed_work_type_id,
    }
    form = forms.TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(topic=topic, **form.cleaned_data)
            messages.success(request, _("Тема сохранена."))
            return redirect(_url("ktp", topic.assignment_id) + f"#t{topic.pk}")
        except ValidationError as error:
            messages.error(request, _message(error))
    return render(request, "onboarding/topic.html", {"topic": topic, "form": form, "assignment": topic.assignment})


@require_POST
@role_required(is_teacher)
def topic_delete(request, topic_id):
    topic = selectors.topic_for_ktp(user=request.user, topic_id=topic_id)
    try:
        services.topic_delete(topic=topic)
        messages.success(request, _("Тема удалена."))
    except ValidationError as error:
        messages.error(request, _message(error))
    return redirect(_url("ktp", topic.assignment_id))


@require_POST
@role_required(is_teacher)
def topic_move(request, topic_id):
    topic = selectors.topic_for_ktp(user=request.user, topic_id=topic_id)
    services.topic_move(topic=topic, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(_url("ktp", topic.assignment_id) + f"#t{topic.pk}")


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def ktp_import(request, assignment_id):
    assignment = selectors.assignment_for_ktp(user=request.user, assignment_id=assignment_id)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    parsed = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        parsed = ktp.parse_ktp(upload.read(), upload.name, assignment=assignment)
        if parsed.ok:
            dry_run = request.POST.get("action") != "import"
            try:
                result = services.ktp_replace(assignment=assignment, topics=parsed.topics, dry_run=dry_run)
                if not dry_run:
                    messages.success(
                        request,
                        _("КТП загружено: новых тем %(c)s, обновлено %(u)s, оставлено %(k)s, удалено %(d)s.")
                        % {
                            "c": len(result.created),
                            "u": len(result.updated),
                            "k": len(result.kept),
                            "d": len(result.deleted),
                        },
                    )
                    return redirect(_url("ktp", assignment.pk))
            except ValidationError as error:
                messages.error(request, _message(error))
    return render(
        request,
        "onboarding/ktp_import.html",
        {"assignment": assignment, "form": form, "parsed": parsed, "result": result},
    )


@require_http_methods(["GET"])
@role_required(is_teacher)
def ktp_report(request, assignment_id):
    assignment = selectors.assignment_for_ktp(user=request.user, assignment_id=assignment_id)
    terms = [
        p
        for p in selectors.terms_of_year(assignment.school_class.year)
        if p.kind == assignment.school_class.period_kind
    ]
    period = next((p for p in terms if str(p.pk) == request.GET.get("period")), None)
    report = ktp.ktp_report(assignment=assignment, period=period)
    return render(request, "onboarding/ktp_report.html", {"report": report, "terms": terms, "period": period})


# --- People import ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(is_sysadmin)
def people_import(request):
    form = forms.PeopleImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = request.POST.get("action") != "import"
        report = imports.people_import(
            data=upload.read(),
            filename=upload.name,
            by=request.user,
            kind=form.cleaned_data["kind"] or None,
            dry_run=dry_run,
        )
        if report.applied:
            messages.success(request, report.summary())
        elif not dry_run:
            messages.error(request, report.summary())
    return render(
        request, "onboarding/people_import.html", {"form": form, "report": report, "year": imports.default_year()}
    )


# --- Accounts, slips, receipts, applications ---------------------------------------------------------------------


@require_http_methods(["GET"])
@role_required(is_planner)
def accounts_page(request):
    year, classes, school_class, _terms, _period = _class_and_period(request, need_period=False)
    rows = selectors.accounts_of_class(school_class) if school_class else []
    return render(
        request,
        "onboarding/accounts.html",
        {
            "year": year,
            "classes": classes,
            "school_class": school_class,
            "rows": rows,
            "slips_form": forms.SlipsForm(),
            "receipt_form": forms.ReceiptForm(initial={"date": timezone.localdate()}),
            "application_form": forms.ApplicationForm(school_class=school_class) if school_class else None,
            "today": timezone.localdate(),
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(is_planner)
def class_slips(request):
    school_class = selectors.get_or_404(SchoolClass.objects.select_related("year"), request.POST.get("cls"))
    form = forms.SlipsForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(_url("accounts", cls=school_class.pk))
    who = form.cleaned_data["who"]
    made = accounts.class_slips(
        school_class=school_class,
        by=request.user,
        students=who in ("both", "students"),
        parents=who in ("both", "parents"),
        recipients=form.cleaned_data["recipients"],
    )
    if not made:
        messages.info(request, _("Некому выдавать пароли: все уже получили их (или выберите «всем»)."))
        return redirect(_url("accounts", cls=school_class.pk))
    content = slips.slips_pdf(
        slips=made,
        title=_("Учётные записи: %(cls)s класс") % {"cls": school_class},
        school=selectors.the_school(),
        login_url=request.build_absolute_uri(reverse("login")),
    )
    return _pdf(content, f"slips-{school_class.grade}-{school_class.pk}.pdf")


def may_reset_password(*, by: User, user: User) -> bool:
    """The deputy gives new passwords to students and parents; the sysadmin to anyone but superusers.

    Nobody resets their own password here, and a staff account (director, deputy, sysadmin, admin users)
    is reset only by the sysadmin: a deputy must not be able to sign in as the director who approves
    late changes.
    """
    if user.pk == by.pk or user.is_superuser:
        return False
    if is_sysadmin(by):
        return True
    staff_roles = {Role.DIRECTOR, Role.DEPUTY, Role.SYSADMIN, Role.TEACHER, Role.CLASS_TEACHER}
    return not user.is_staff and not any(user.has_role(role) for role in staff_roles)


@require_POST
@role_required(is_planner)
def user_slip(request, user_id):
    user = selectors.get_or_404(User.objects.all(), user_id)
    if not may_reset_password(by=request.user, user=user):
        messages.error(request, _("Пароль этого пользователя выдаёт системный администратор."))
        back = request.POST.get("back", "")
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
        return redirect(back if back and safe else _url("accounts"))
    slip = accounts.user_slip(user=user, by=request.user)
    content = slips.slips_pdf(
        slips=[slip],
        title=_("Учётная запись"),
        school=selectors.the_school(),
        login_url=request.build_absolute_uri(reverse("login")),
    )
    return _pdf(content, f"slip-{user.pk}.pdf")


@require_http_methods(["GET"])
@role_required(is_sysadmin)
def staff_accounts(request):
    return render(request, "onboarding/staff_accounts.html", {"rows": selectors.staff_accounts()})


@require_POST
@role_required(is_sysadmin)
def staff_slips(request):
    """Slips for the teachers who never got a password here (a new school, a new teacher)."""
    made = accounts.staff_slips(by=request.user)
    if not made:
        messages.info(request, _("Всем учителям пароли уже выданы."))
        return redirect(_url("staff_accounts"))
    content = slips.slips_pdf(
        slips=made,
        title=_("Учётные записи учителей"),
        school=selectors.the_school(),
        login_url=request.build_absolute_uri(reverse("login")),
    )
    return _pdf(content, "slips-teachers.pdf")


@require_POST
@role_required(is_planner)
def receipt(request, user_id):
    user = selectors.get_or_404(User.objects.all(), user_id)
    form = forms.ReceiptForm(request.POST)
    if form.is_valid():
        try:
            accounts.receipt_record(user=user, by=request.user, **form.cleaned_data)
            messages.success(request, _("Получение учётной записи записано: %(who)s.") % {"who": user.short_name})
        except ValidationError as error:
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("accounts", cls=request.POST.get("cls")))


@require_POST
@role_required(is_planner)
def application_add(request):
    school_class = selectors.get_or_404(SchoolClass.objects.all(), request.POST.get("cls"))
    form = forms.ApplicationForm(request.POST, school_class=school_class)
    if form.is_valid():
        data = form.cleaned_data
        try:
            guardianships.application_record(
                parent=data["parent"],
                student=data["student"],
                kind=data["kind"],
                number=data["number"],
                date=data["date"],
            )
            messages.success(request, _("Заявление зарегистрировано."))
        except ValidationError as error:
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("accounts", cls=school_class.pk))


def _guardianship(guardianship_id) -> Guardianship:
    return selectors.get_or_404(
        Guardianship.objects.select_related("parent", "student__user", "student__school_class"), guardianship_id
    )


@require_POST
@role_required(is_planner)
def application_register(request, guardianship_id):
    guardianship = _guardianship(guardianship_id)
    form = forms.RegisterApplicationForm(request.POST)
    if form.is_valid():
        try:
            guardianships.application_record(
                parent=guardianship.parent,
                student=guardianship.student,
                kind=guardianship.kind,
                number=form.cleaned_data["number"],
                date=form.cleaned_data["date"],
            )
            messages.success(request, _("Заявление зарегистрировано."))
        except ValidationError as error:
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("accounts", cls=guardianship.student.school_class_id))


@require_POST
@role_required(is_planner)
def application_approve(request, guardianship_id):
    guardianship = _guardianship(guardianship_id)
    try:
        guardianships.application_approve(guardianship=guardianship, by=request.user)
        messages.success(
            request,
            _("Доступ к дневнику предоставлен: %(parent)s → %(child)s.")
            % {"parent": guardianship.parent.short_name, "child": guardianship.student.user.short_name},
        )
    except ValidationError as error:
        messages.error(request, _message(error))
    return redirect(_url("accounts", cls=guardianship.student.school_class_id))


@require_POST
@role_required(is_planner)
def application_reject(request, guardianship_id):
    guardianship = _guardianship(guardianship_id)
    form = forms.RejectForm(request.POST)
    if form.is_valid():
        try:
            guardianships.application_reject(
                guardianship=guardianship, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("В доступе отказано."))
        except ValidationError as error:
            messages.error(request, _message(error))
    else:
        _errors(request, form)
    return redirect(_url("accounts", cls=guardianship.student.school_class_id))


# --- Cards --------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def school_card(request):
    school = selectors.the_school()
    form = forms.SchoolCardForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_card_update(school=school or School(), data=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _message(error))
            return render(request, "onboarding/school_card.html", {"form": form, "school": school})
        messages.success(request, _("Карточка ОУ сохранена."))
        return redirect(_url("school_card"))
    return render(request, "onboarding/school_card.html", {"form": form, "school": school})


@require_http_methods(["GET"])
@role_required(is_deputy)
def teacher_cards(request):
    return render(request, "onboarding/teacher_cards.html", {"teachers": selectors.teacher_cards()})


@require_http_methods(["GET"])
@role_required(is_teacher)
def my_card(request):
    teacher = Teacher.objects.filter(user=request.user).first()
    if teacher is None:
        messages.error(request, _("Карточка учителя ещё не заведена: обратитесь к заместителю директора."))
        return redirect(_url("index"))
    return redirect(_url("teacher_card", teacher.pk))


@require_http_methods(["GET", "POST"])
@role_required(is_deputy, is_teacher)
def teacher_card(request, teacher_id):
    teacher = selectors.teacher_card_for_editor(user=request.user, teacher_id=teacher_id)
    form = forms.TeacherCardForm(request.POST or None, instance=teacher)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("email", "phone", "subjects")}
        try:
            services.teacher_card_update(
                teacher=teacher,
                data=data,
                subjects=form.cleaned_data["subjects"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
            messages.success(request, _("Карточка учителя сохранена."))
            return redirect(_url("teacher_card", teacher.pk))
        except ValidationError as error:
            messages.error(request, _message(error))
    return render(request, "onboarding/teacher_card.html", {"form": form, "teacher": teacher})


@require_http_methods(["GET"])
@role_required(is_deputy, is_class_teacher)
def student_cards(request):
    year = selectors.pick_year(request.GET.get("year"))
    classes = selectors.classes_for_card_editor(user=request.user, year=year)
    school_class = None
    if request.GET.get("cls"):
        school_class = next((c for c in classes if str(c.pk) == request.GET.get("cls")), None)
        if school_class is None:
            raise Http404
    elif classes:
        school_class = classes[0]
    students = selectors.student_cards(school_class) if school_class else []
    return render(
        request,
        "onboarding/student_cards.html",
        {"classes": classes, "school_class": school_class, "students": students, "year": year},
    )


@require_http_methods(["GET", "POST"])
@role_required(is_deputy, is_class_teacher)
def student_card(request, student_id):
    student = selectors.student_card_for_editor(user=request.user, student_id=student_id)
    form = forms.StudentCardForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_card_update(student=student, data=form.cleaned_data)
            messages.success(request, _("Карточка ученика сохранена."))
            return redirect(_url("student_cards", cls=student.school_class_id))
        except ValidationError as error:
            messages.error(request, _message(error))
    return render(request, "onboarding/student_card.html", {"form": form, "student": student})


# --- First login --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password(request):
    """The one-time password is replaced by the user's own (forced by ``middleware``)."""
    form = forms.FirstPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Пароль изменён."))
        return redirect("home")
    return render(request, "onboarding/password.html", {"form": form, "forced": request.user.must_change_password})
