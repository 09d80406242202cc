"""The start page of the onboarding section: what each role may do here, and what is still missing."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from journal.models import Teacher

from .. import selectors
from ..access import can_use_planning, is_class_teacher, is_deputy, is_planner, is_sysadmin, is_teacher, role_required


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
