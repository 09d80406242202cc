"""Import of students, parents and teachers from a spreadsheet (the sysadmin)."""

from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .. import forms, imports, selectors
from ..access import is_sysadmin, role_required


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
        request, "onboarding/people_import.html", {"form": form, "report": report, "year": selectors.default_year()}
    )
