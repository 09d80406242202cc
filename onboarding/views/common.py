"""What the onboarding views share: messages from errors, the section's URLs, the class and period picker."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from journal.models import SchoolClass

from .. import selectors


def error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def page_url(name: str, *args, **query) -> str:
    url = reverse(f"onboarding:{name}", args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def class_and_period(request, *, need_period: bool = True):
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
