"""The files schools have, read into grids of cells: Excel (.xlsx, .xls), CSV in any usual encoding and separator,
and the tables of a Word document (.docx).

A ``Grid`` keeps what a person sees: each cell's value, the merged ranges (a value stands in its range's top-left
cell only, as in Excel), and for a Word table the text just above it («ПОУРОЧНОЕ ПЛАНИРОВАНИЕ», «5 КЛАСС»). The
kind of file is told by its content, not its name: a workbook renamed to .csv is still read as a workbook, and
a Word file or a PDF given instead of a table gets a message that says what to do with it.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 20_000

Range = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


@dataclass
class Grid:
    label: str  # «лист «КТП»», «таблица 2»: where the rows are, in a message
    cells: list[list[object]]
    merged: dict[tuple[int, int], Range] = field(default_factory=dict)  # every covered cell → its range
    caption: str = ""  # the text above a Word table

    def value(self, row: int, col: int) -> object:
        line = self.cells[row] if 0 <= row < len(self.cells) else []
        return line[col] if 0 <= col < len(line) else None

    def merge_of(self, row: int, col: int) -> Range | None:
        return self.merged.get((row, col))

    def shown(self, row: int, col: int) -> object:
        """What a person sees in the cell: a merged range shows its top-left value in all its cells."""
        span = self.merged.get((row, col))
        return self.value(span[0], span[1]) if span else self.value(row, col)

    @property
    def width(self) -> int:
        return max((len(line) for line in self.cells), default=0)

    def merge(self, span: Range) -> None:
        for row in range(span[0], span[2] + 1):
            for col in range(span[1], span[3] + 1):
                self.merged[(row, col)] = span


def _too_many_rows() -> ValidationError:
    return ValidationError(_("В файле больше %(n)s строк: разделите его на несколько файлов.") % {"n": MAX_ROWS})


# --- Excel .xlsx ----------------------------------------------------------------------------------------------


def _xlsx_value(cell) -> object:
    value = cell.value
    # «01.09» typed into Russian Excel becomes a date of the year it was typed in; a format without the year
    # shows that the year was never meant, so the school year decides it (``values.parse_date_span``).
    if isinstance(value, datetime.datetime | datetime.date) and "y" not in (cell.number_format or "").lower():
        return value.strftime("%d.%m")
    return value


def _read_xlsx(data: bytes) -> list[Grid]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook; its English text helps nobody here
        raise ValidationError(
            _("Файл Excel (.xlsx) повреждён или защищён паролем: откройте его в Excel и сохраните заново.")
        ) from None
    grids = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" or not hasattr(sheet, "iter_rows"):
            continue
        if sheet.max_row > MAX_ROWS:
            raise _too_many_rows()
        cells = [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
        grid = Grid(label=_("лист «%(name)s»") % {"name": sheet.title}, cells=cells)
        for span in sheet.merged_cells.ranges:
            grid.merge((span.min_row - 1, span.min_col - 1, span.max_row - 1, span.max_col - 1))
        grids.append(grid)
    return grids


# --- Excel 97–2003 .xls ---------------------------------------------------------------------------------------


def _read_xls(data: bytes) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception:  # xlrd's errors are English and name its internals
        raise ValidationError(
            _(
                "Файл не читается как таблица Excel 97–2003 (.xls). Если это документ Word (.doc), сохраните его "
                "в Word как .docx; если таблица — сохраните её в Excel как .xlsx."
            )
        ) from None
    grids = []
    for sheet in book.sheets():
        if sheet.visibility:
            continue
        if sheet.nrows > MAX_ROWS:
            raise _too_many_rows()
        cells = []
        for r in range(sheet.nrows):
            line = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
                    if fmt is not None and "y" not in fmt.format_str.lower():
                        value = value.strftime("%d.%m")
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    value = None
                line.append(value)
            cells.append(line)
        grid = Grid(label=_("лист «%(name)s»") % {"name": sheet.name}, cells=cells)
        for first_row, end_row, first_col, end_col in sheet.merged_cells:
            grid.merge((first_row, first_col, end_row - 1, end_col - 1))
        grids.append(grid)
    return grids


# --- CSV ------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's «Текст Юникод»
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Russian Excel saves CSV in Windows-1251; every byte is valid there, so it is tried last.
    text = data.decode("cp1251")
    if sum(1 for ch in text if "\u0400" <= ch <= "\u04ff") < sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff"):
        raise ValidationError(_("Кодировка файла CSV не распознана: сохраните его как «CSV UTF-8» или .xlsx."))
    return text


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number of columns most often («;», «,» or tab)."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ";", (0, 0)
    for delimiter in (";", "\t", ","):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        usual = max(set(wide), key=wide.count)
        score = (wide.count(usual), usual)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes) -> list[Grid]:
    text = _decode(data)
    rows = []
    for index, row in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text))):
        if index >= MAX_ROWS:
            raise _too_many_rows()
        rows.append([value if value.strip() else None for value in row])
    return [Grid(label=_("файл"), cells=rows)]


# --- Word .docx -------------------------------------------------------------------------------------------------


def _docx_grid(table, index: int, caption: str) -> Grid:
    from docx.table import _Cell

    grid = Grid(label=_("таблица %(n)s документа") % {"n": index}, cells=[], caption=caption)
    open_ranges: dict[int, list[int]] = {}  # column → [first row, first col, last row, last col] of a vertical merge
    for r, tr in enumerate(table._tbl.tr_lst):
        if r >= MAX_ROWS:
            raise _too_many_rows()
        line: list[object] = [None] * tr.grid_before
        for tc in tr.tc_lst:
            col, span = len(line), tc.grid_span
            line.extend([None] * span)
            if tc.vMerge == "continue" and col in open_ranges:
                open_ranges[col][2] = r
                continue
            closed = open_ranges.pop(col, None)
            if closed:
                grid.merge(tuple(closed))
            line[col] = _Cell(tc, table).text
            if tc.vMerge == "restart":
                open_ranges[col] = [r, col, r, col + span - 1]
            elif span > 1:
                grid.merge((r, col, r, col + span - 1))
        grid.cells.append(line)
    for span in open_ranges.values():
        grid.merge(tuple(span))
    return grid


def _read_docx(data: bytes) -> list[Grid]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx's errors are English
        raise ValidationError(
            _("Документ Word (.docx) повреждён или защищён паролем: откройте его в Word и сохраните заново.")
        ) from None
    grids, above = [], []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = " ".join(Paragraph(element, document).text.split())
            if text:
                above = [*above[-2:], text]
        elif tag == "tbl":
            grids.append(_docx_grid(Table(element, document), len(grids) + 1, " ".join(above)))
            above = []
    if not grids:
        raise ValidationError(
            _("В документе Word нет таблицы: КТП и списки загружаются из таблицы (Вставка → Таблица).")
        )
    return grids


# --- The kind of file -------------------------------------------------------------------------------------------


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "broken"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "opendocument"
    return "zip"


def read_grids(data: bytes, filename: str) -> list[Grid]:
    """Every table of the file: the visible sheets of a workbook, the tables of a Word document, or the CSV."""
    name = filename.lower()
    head = data[:8]
    if head.startswith(b"PK"):
        kind = _zip_kind(data)
        if kind == "docx":
            return _read_docx(data)
        if kind == "xlsx":
            return _read_xlsx(data)
        if kind == "opendocument":
            raise ValidationError(
                _("Файлы LibreOffice (.ods, .odt) не читаются: сохраните таблицу как .xlsx или документ как .docx.")
            )
        raise ValidationError(
            _("Файл не похож ни на таблицу Excel, ни на документ Word: загрузите .xlsx, .docx или .csv.")
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if name.endswith(".doc"):
            raise ValidationError(
                _("Старый формат Word (.doc) не читается: откройте файл в Word и сохраните как .docx.")
            )
        return _read_xls(data)
    if head.startswith(b"%PDF"):
        raise ValidationError(
            _("PDF не читается: загрузите ту же таблицу как .docx или .xlsx (в конструкторе — выгрузка в Word).")
        )
    if re.match(rb"\s*<(?:!doctype|html|table|\?xml)", data[:200], re.IGNORECASE):
        raise ValidationError(
            _("Файл — веб-страница, сохранённая под именем таблицы: откройте его в Excel и сохраните как .xlsx.")
        )
    if b"\x00" in data[:1024] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(_("Файл не читается как таблица: загрузите .xlsx, .xls, .csv или .docx."))
    return _read_csv(data)
