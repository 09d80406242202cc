"""The teacher's КТП: topics, the import of a file, the plan/fact report (own assignments only)."""

from django.contrib import messages
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
                    return redirect(page_url("ktp", assignment.pk))
            except ValidationError as error:
                messages.error(request, error_message(error))
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
