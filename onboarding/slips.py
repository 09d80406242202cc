"""The printable slips: login, one-time password and a receipt line to sign, several to an A4 page.

Rendered with WeasyPrint from ``templates/onboarding/slips_pdf.html`` and the ``@media print`` part of
``static/css/onboarding.css`` (DejaVu fonts: Cyrillic everywhere). The PDF is built in memory and sent once:
the passwords in it exist nowhere else.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from journal.models import School

from .accounts import Slip


def slips_html(*, slips: list[Slip], title: str, school: School | None, login_url: str) -> str:
    return render_to_string(
        "onboarding/slips_pdf.html",
        {
            "slips": slips,
            "title": title,
            "school": school,
            "login_url": login_url,
            "today": timezone.localdate(),
        },
    )


def slips_pdf(*, slips: list[Slip], title: str, school: School | None, login_url: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is made

    html = slips_html(slips=slips, title=title, school=school, login_url=login_url)
    stylesheet = finders.find("css/onboarding.css")
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)
