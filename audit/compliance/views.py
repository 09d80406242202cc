"""The deputy director's dashboard (п. 3.3) and its drill-downs; the class teacher's page for their class.

Thin views over ``selectors``: they read stored results only. ``?format=xlsx`` on any page gives its
tables as a spreadsheet (on the dashboard, ``&table=criteria|timeliness|visits`` picks one).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from journal import pagecache
from journal.roles import is_administration, role_required

from . import exports, selectors

READERS = (is_administration,)


def _xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


@require_GET
@role_required(*READERS)
def dashboard(request):
    school = selectors.school_for(user=request.user)
    if _xlsx(request):
        return exports.dashboard_xlsx(selectors.dashboard_for(school=school), request.GET.get("table"))
    # Everything below the frame comes from the stored results of the last runs: it is rendered once per run
    # (each run retires it; so do a new day and a school-wide change such as a name) and kept in the page cache.
    key = pagecache.school_page_key("dashboard", school.pk, school.pk)
    body = pagecache.page_get(key)
    if body is None:
        body = render_to_string(
            "audit/compliance/partials/dashboard_body.html",
            {"dashboard": selectors.dashboard_for(school=school)},
            request=request,
        )
        pagecache.page_set(key, body)
    return render(request, "audit/dashboard.html", {"body": mark_safe(body)})  # rendered by the template above


@require_GET
@role_required(*READERS)
def criterion(request, code):
    info = selectors.criterion_info(code)
    school = selectors.school_for(user=request.user)
    page = selectors.criterion_page(school=school, info=info)
    if _xlsx(request):
        return exports.criterion_xlsx(page, selectors.findings_for(school=school, info=info))
    return render(request, "audit/compliance/criterion.html", {"page": page, "info": info})


@require_GET
@role_required(*READERS)
def criterion_class(request, code, class_id):
    info = selectors.criterion_info(code)
    school = selectors.school_for(user=request.user)
    school_class = selectors.class_for_reader(school=school, class_id=class_id)
    findings = selectors.findings_for(school=school, info=info, school_class=school_class)
    if _xlsx(request):
        return exports.findings_xlsx(info, findings, suffix=f"class-{school_class.pk}")
    context = {
        "info": info,
        "findings": findings,
        "school_class": school_class,
        "state": selectors.state_for(school=school),
    }
    return render(request, "audit/compliance/findings.html", context)


@require_GET
@role_required(*READERS)
def criterion_teacher(request, code, teacher_id):
    info = selectors.criterion_info(code)
    school = selectors.school_for(user=request.user)
    teacher = selectors.teacher_for_reader(teacher_id=teacher_id)
    findings = selectors.findings_for(school=school, info=info, teacher=teacher)
    if _xlsx(request):
        return exports.findings_xlsx(info, findings, suffix=f"teacher-{teacher.pk}")
    context = {"info": info, "findings": findings, "teacher": teacher, "state": selectors.state_for(school=school)}
    return render(request, "audit/compliance/findings.html", context)


@require_GET
def my_class(request):
    """The class teacher's view of their class: the same findings, and the parents to remind."""
    classes = selectors.led_classes(user=request.user)
    if not selectors.may_see_own_class(user=request.user, classes=classes):
        raise PermissionDenied
    reports = selectors.class_reports(classes=classes)
    if _xlsx(request):
        return exports.class_reports_xlsx(reports)
    state = selectors.state_for(school=classes[0].school) if classes else None
    return render(request, "audit/compliance/my_class.html", {"reports": reports, "state": state})
