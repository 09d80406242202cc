"""Accounts: one-time passwords and their slips, receipts, parents' applications, the first-login password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journal.models import Guardianship, SchoolClass, User

from .. import accounts, forms, guardianships, selectors, slips
from ..access import is_planner, is_sysadmin, may_reset_password, role_required
from .common import class_and_period, error_message, form_errors, page_url


@require_http_methods(["GET"])
@role_required(is_planner)
def accounts_page(request):
    year, classes, school_class, _terms, _period = class_and_period(request, need_period=False)
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
        form_errors(request, form)
        return redirect(page_url("accounts", cls=school_class.pk))
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
        return redirect(page_url("accounts", cls=school_class.pk))
    content = slips.slips_pdf(
        slips=made,
        title=_("Учётные записи: %(cls)s класс") % {"cls": school_class},
        school=selectors.the_school(),
        login_url=request.build_absolute_uri(reverse("login")),
    )
    return _pdf(content, f"slips-{school_class.grade}-{school_class.pk}.pdf")


@require_POST
@role_required(is_planner)
def user_slip(request, user_id):
    user = selectors.get_or_404(User.objects.all(), user_id)
    if not may_reset_password(by=request.user, user=user):
        messages.error(request, _("Пароль этого пользователя выдаёт системный администратор."))
        back = request.POST.get("back", "")
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
        return redirect(back if back and safe else page_url("accounts"))
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
        return redirect(page_url("staff_accounts"))
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
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("accounts", cls=request.POST.get("cls")))


@require_POST
@role_required(is_planner)
def application_add(request):
    school_class = selectors.get_or_404(SchoolClass.objects.all(), request.POST.get("cls"))
    form = forms.ApplicationForm(request.POST, school_class=school_class)
    if form.is_valid():
        data = form.cleaned_data
        try:
            guardianships.application_record(
                by=request.user,
                parent=data["parent"],
                student=data["student"],
                kind=data["kind"],
                number=data["number"],
                date=data["date"],
            )
            messages.success(request, _("Заявление зарегистрировано."))
        except ValidationError as error:
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("accounts", cls=school_class.pk))


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
                by=request.user,
                parent=guardianship.parent,
                student=guardianship.student,
                kind=guardianship.kind,
                number=form.cleaned_data["number"],
                date=form.cleaned_data["date"],
            )
            messages.success(request, _("Заявление зарегистрировано."))
        except ValidationError as error:
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("accounts", cls=guardianship.student.school_class_id))


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
        messages.error(request, error_message(error))
    return redirect(page_url("accounts", cls=guardianship.student.school_class_id))


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
            messages.error(request, error_message(error))
    else:
        form_errors(request, form)
    return redirect(page_url("accounts", cls=guardianship.student.school_class_id))


# --- First login --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password(request):
    """The one-time password is replaced by the user's own (forced by ``middleware``).

    Only then: anyone else changes their password on ``password_change``, which asks for the current one (a
    session left open must not let a passer-by take the account over).
    """
    if not request.user.must_change_password:
        return redirect("password_change")
    form = forms.FirstPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Пароль изменён."))
        return redirect("home")
    return render(request, "onboarding/password.html", {"form": form, "forced": request.user.must_change_password})
