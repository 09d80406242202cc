"""Printed documents of раздел 4, made with WeasyPrint: the summary sheet with the change table, the register.

A4 landscape, DejaVu fonts (Cyrillic, from the system package fonts-dejavu-core), page numbers from the
``@page`` counters, and tables with a fixed layout: WeasyPrint then sizes a column once instead of measuring
every cell, which keeps a 30 × 15 sheet well under a second.
"""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from .selectors import SummarySheet

STYLESHEET = "css/pdf.css"


@cache
def _stylesheet() -> CSS:
    path = finders.find(STYLESHEET)
    return CSS(filename=path)


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context | {"generated_at": timezone.localtime()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[_stylesheet()])


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(text)).strip("-")


def summary_sheet_pdf(sheet: SummarySheet) -> bytes:
    """Сводная ведомость учёта успеваемости of a class for a period, with the class's change table after it."""
    return render_pdf("audit/pdf/summary_sheet.html", {"sheet": sheet})


def summary_sheet_filename(school_class, period) -> str:
    return f"svodnaya-vedomost-{_slug(school_class)}-{_slug(period)}.pdf"


def register_pdf(*, period, requests: list) -> bytes:
    """The register of requests filed under a period (п. 4.5)."""
    return render_pdf("audit/pdf/register.html", {"period": period, "requests": requests})


def register_filename(period) -> str:
    return f"zayavleniya-{_slug(period)}.pdf"
