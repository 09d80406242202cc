"""The teacher's КТП: topics, the import of a file, the plan/fact report (own assignments only)."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import forms, ktp, selectors, services
from ..access import is_teacher, role_required
from .common import error_message, page_url


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
                return redirect(page_url("ktp", assignment.pk))
            except ValidationError as error:
                messages.error(request, error_message(error))
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
        "section": topic.section,
    }
    form = forms.TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(topic=topic, **form.cleaned_data)
            messages.success(request, _("Тема сохранена."))
            return redirect(page_url("ktp", topic.assignment_id) + f"#t{topic.pk}")
        except ValidationError as error:
            messages.error(request, error_message(error))
    return render(request, "onboarding/topic.html", {"topic": topic, "form": form, "assignment": topic.assignment})


@require_POST
@role_required(is_teacher)
def topic_delete(request, topic_id):
    topic = selectors.topic_for_ktp(user=request.user, topic_id=topic_id)
    try:
        services.topic_delete(topic=topic)
        messages.success(request, _("Тема удалена."))
    except ValidationError as error:
        messages.error(request, error_message(error))
    return redirect(page_url("ktp", topic.assignment_id))


@require_POST
@role_required(is_teacher)
def topic_move(request, topic_id):
    topic = selectors.topic_for_ktp(user=request.user, topic_id=topic_id)
    services.topic_move(topic=topic, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(page_url("ktp", topic.assignment_id) + f"#t{topic.pk}")


#: How long a checked file waits for the teacher's «Загрузить» on its preview.
PENDING_SECONDS = 30 * 60


def _pending_key(request, token: str) -> str:
    return f"onboarding:ktp-upload:{request.user.pk}:{token}"


@require_http_methods(["GET", "POST"])
@role_required(is_teacher)
def ktp_import(request, assignment_id):
    """Upload → preview of what will be created, changed and removed → «Загрузить» applies that same file."""
    assignment = selectors.assignment_for_ktp(user=request.user, assignment_id=assignment_id)
    form = forms.KtpUploadForm(request.POST or None, request.FILES or None)
    outcome, token = None, ""
    if request.method == "POST" and request.POST.get("token") and not request.FILES:
        key = _pending_key(request, request.POST["token"])
        pending = cache.get(key)
        if pending is None or pending["assignment"] != assignment.pk:
            messages.error(request, _("Проверенный файл больше не хранится: выберите его и проверьте ещё раз."))
            return redirect(page_url("ktp_import", assignment.pk))
        outcome = services.ktp_import(
            assignment=assignment,
            data=pending["data"],
            filename=pending["name"],
            spread=pending["spread"],
            dry_run=False,
        )
        cache.delete(key)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data, spread = upload.read(), form.cleaned_data["spread"]
        dry_run = request.POST.get("action") != "import"
        outcome = services.ktp_import(
            assignment=assignment, data=data, filename=upload.name, spread=spread, dry_run=dry_run
        )
        if dry_run and outcome.result is not None:
            token = secrets.token_urlsafe(16)
            cache.set(
                _pending_key(request, token),
                {"assignment": assignment.pk, "data": data, "name": upload.name, "spread": spread},
                PENDING_SECONDS,
            )
    if outcome is not None and outcome.applied:
        messages.success(request, outcome.summary())
        return redirect(page_url("ktp", assignment.pk))
    return render(
        request,
        "onboarding/ktp_import.html",
        {"assignment": assignment, "form": form, "outcome": outcome, "token": token},
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
