"""The change table (п. 4.3) as an Excel workbook, for the deputy to keep or send on."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from journal import xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns() -> list[tuple[str, int]]:
    return [
        (_("№"), 5),
        (_("Дата внесения"), 14),
        (_("Класс"), 7),
        (_("Предмет"), 22),
        (_("Ученик"), 32),
        (_("Запись журнала"), 34),
        (_("Было"), 24),
        (_("Стало"), 24),
        (_("Номер заявления"), 14),
        (_("Дата заявления"), 14),
        (_("Основание"), 40),
        (_("Разрешил"), 20),
        (_("Внёс"), 20),
    ]


def change_table_xlsx(*, school_class, period, rows) -> bytes:
    """One sheet: a title line, the header and a row per applied entry, dates as real dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Изменения")[:31]
    xlsx.append(
        sheet,
        [
            _("Таблица учёта изменений в электронном журнале: %(cls)s класс, %(period)s")
            % {"cls": school_class, "period": period}
        ],
    )
    sheet["A1"].font = Font(bold=True, size=12)
    columns = _columns()
    xlsx.append(sheet, [title for title, _width in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, row in enumerate(rows, start=1):
        xlsx.append(
            sheet,
            [
                number,
                timezone.localtime(row.applied_at).date(),
                str(row.school_class),
                row.subject.name,
                row.student.user.full_name,
                row.entry,
                row.old_display or "—",
                row.new_display or "—",
                row.request_number,
                row.request_date,
                row.reason_short,
                row.approved_by.short_name,
                row.applied_by.short_name,
            ],
        )
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column in ("B", "J"):
        for cell in sheet[column][2:]:
            cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def change_table_filename(school_class, period) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in f"{school_class}-{period}").strip("-")
    return f"tablica-izmeneniy-{slug}.xlsx"
