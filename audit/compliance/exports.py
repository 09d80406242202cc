"""XLSX exports of the dashboard's tables (openpyxl): what the page shows, one sheet per table."""

import datetime
from dataclasses import dataclass
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from journal import xlsx
from journal.windows import SCHOOL_TZ

from .checks import CriterionInfo
from .models import Finding
from .selectors import CriterionPage, Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    # Excel has no time zones: school time, without tzinfo.
    return timezone.localtime(value, SCHOOL_TZ).replace(tzinfo=None) if value else None


def _percent(share: float | None):
    return round(100 * share, 1) if share is not None else None


def workbook_response(filename: str, sheets: list[Sheet], *, note: str = "") -> HttpResponse:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        start = 1
        if note:
            xlsx.write(ws, 1, 1, note).font = Font(italic=True)
            start = 3
        for col, header in enumerate(sheet.headers, start=1):
            cell = xlsx.write(ws, start, col, header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(sheet.rows, start=start + 1):
            for col, value in enumerate(row, start=1):
                cell = xlsx.write(ws, r, col, value)
                if isinstance(value, datetime.datetime):
                    cell.number_format = "DD.MM.YYYY HH:MM"
                elif isinstance(value, datetime.date):
                    cell.number_format = "DD.MM.YYYY"
        for col, header in enumerate(sheet.headers, start=1):
            longest = max([len(str(header))] + [len(str(row[col - 1] or "")) for row in sheet.rows[:200]])
            ws.column_dimensions[get_column_letter(col)].width = min(max(10, longest + 2), 70)
        ws.freeze_panes = ws.cell(row=start + 1, column=1)
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _computed_note(computed_at) -> str:
    if computed_at is None:
        return _("Проверки ещё не выполнялись.")
    return _("Данные на %(at)s") % {"at": _local(computed_at).strftime("%d.%m.%Y %H:%M")}


def criteria_sheet(dashboard: Dashboard) -> Sheet:
    rows = []
    for group, criteria in dashboard.groups:
        for row in criteria:
            rows.append(
                [
                    str(group),
                    str(row.info.title),
                    str(row.info.violation),
                    {
                        "ok": _("в порядке"),
                        "advisory": _("к сведению"),
                        "violations": _("нарушения"),
                        "nodata": _("нет данных"),
                    }[row.status],
                    row.count,
                    row.total,
                    row.change,
                    row.change_week,
                ]
            )
    return Sheet(
        _("Критерии"),
        [
            _("Критерий п. 3.3"),
            _("Метод оценки"),
            _("Нарушение"),
            _("Состояние"),
            _("Нарушений"),
            _("Проверено"),
            _("Изменение к предыдущему дню"),
            _("Изменение за 7 дней"),
        ],
        rows,
    )


def timeliness_sheet(dashboard: Dashboard) -> Sheet:
    return Sheet(
        _("Своевременность отметок"),
        [_("Учитель"), _("Отметок"), _("Позже 10 дней"), _("Вовремя, %")],
        [[t.teacher.full_name, t.marks_total, t.marks_late, _percent(t.share_on_time)] for t in dashboard.timeliness],
    )


def visits_sheet(dashboard: Dashboard) -> Sheet:
    return Sheet(
        _("Посещения дневника"),
        [
            _("Класс"),
            _("Классный руководитель"),
            _("Родителей с доступом"),
            _("Открывали дневник за 7 дней, %"),
            _("Учеников"),
            _("Открывали дневник за 2 дня, %"),
            _("Родителей без документа о получении учётной записи"),
        ],
        [
            [
                str(v.school_class),
                v.school_class.class_teacher.full_name if v.school_class.class_teacher else "",
                v.parents_total,
                _percent(v.parents_share),
                v.students_total,
                _percent(v.students_share),
                v.receipts_missing,
            ]
            for v in dashboard.visits
        ],
    )


DASHBOARD_TABLES = {"criteria": criteria_sheet, "timeliness": timeliness_sheet, "visits": visits_sheet}


def dashboard_xlsx(dashboard: Dashboard, table: str | None) -> HttpResponse:
    makers = [DASHBOARD_TABLES[table]] if table in DASHBOARD_TABLES else list(DASHBOARD_TABLES.values())
    name = table if table in DASHBOARD_TABLES else "all"
    return workbook_response(
        f"compliance-{name}.xlsx", [make(dashboard) for make in makers], note=_computed_note(dashboard.computed_at)
    )


def findings_sheet(title: str, findings: list[Finding], *, contacts: bool = False) -> Sheet:
    headers = [_("Дата"), _("Что"), _("Нарушение"), _("Класс"), _("Ответственный"), _("Сколько"), _("Впервые")]
    if contacts:
        headers += [_("Телефон"), _("E-mail")]
    rows = []
    for f in findings:
        row = [
            f.day,
            f.label,
            f.detail,
            str(f.school_class) if f.school_class_id else "",
            f.teacher.full_name if f.teacher_id else "",
            f.amount,
            _local(f.first_seen),
        ]
        if contacts:
            row += [f.person.phone if f.person_id else "", f.person.email if f.person_id else ""]
        rows.append(row)
    return Sheet(title, headers, rows)


def criterion_xlsx(page: CriterionPage, findings: list[Finding]) -> HttpResponse:
    info = page.info
    sheets = [findings_sheet(_("Нарушения"), findings, contacts=info.counts_people)]
    if page.by_class:
        sheets.append(Sheet(_("По классам"), [_("Класс"), _("Нарушений")], [[b.label, b.count] for b in page.by_class]))
    if page.by_teacher:
        sheets.append(
            Sheet(_("По учителям"), [_("Учитель"), _("Нарушений")], [[b.label, b.count] for b in page.by_teacher])
        )
    return workbook_response(f"compliance-{info.code}.xlsx", sheets, note=str(info.title))


def findings_xlsx(info: CriterionInfo, findings: list[Finding], *, suffix: str) -> HttpResponse:
    return workbook_response(
        f"compliance-{info.code}-{suffix}.xlsx",
        [findings_sheet(_("Нарушения"), findings, contacts=info.counts_people)],
        note=str(info.title),
    )


def class_reports_xlsx(reports) -> HttpResponse:
    rows = []
    for report in reports:
        for info, findings in report.sections:
            for f in findings:
                rows.append(
                    [
                        str(report.school_class),
                        str(info.title),
                        f.day,
                        f.label,
                        f.detail,
                        f.person.phone if f.person_id else "",
                        f.person.email if f.person_id else "",
                    ]
                )
    sheet = Sheet(
        _("Мой класс"),
        [_("Класс"), _("Критерий"), _("Дата"), _("Что"), _("Нарушение"), _("Телефон"), _("E-mail")],
        rows,
    )
    return workbook_response("compliance-my-class.xlsx", [sheet])
