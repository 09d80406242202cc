"""Reading the spreadsheets schools already have: XLSX or CSV, a header row somewhere near the top.

A table is read into ``Row`` objects that remember the row number a person sees in Excel (or the line of
the CSV file), so every error can name it. Columns are found by their header, whatever the order, through
a list of synonyms per field; the header row is the first of the top rows that names the required fields.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: How many top rows are searched for the header (titles, school name and «Утверждаю» blocks come first).
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 20_000


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (1-based)
    values: dict[str, str] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Table:
    rows: list[Row]
    header_row: int
    columns: dict[str, str]  # field → the header text found


def normalize_header(text: object) -> str:
    """«Дата  рождения*» → «дата рождения»; «№ п/п» → «№ п/п»; ё → е."""
    value = str(text or "").replace("\n", " ").replace("ё", "е").replace("Ё", "Е").lower()
    value = re.sub(r"[*:()\[\]\"«»]", " ", value)
    return " ".join(value.split())


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing «.0», dates as dd.mm.yyyy, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(_("Файл не читается как таблица Excel (.xlsx): %(error)s") % {"error": error}) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index >= MAX_ROWS:
                raise ValidationError(_("В файле больше %(n)s строк.") % {"n": MAX_ROWS})
            rows.append(list(row))
        return rows
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("Файл CSV должен быть в кодировке UTF-8 или Windows-1251."))


def _read_csv(data: bytes) -> list[list[object]]:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = []
    for index, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if index >= MAX_ROWS:
            raise ValidationError(_("В файле больше %(n)s строк.") % {"n": MAX_ROWS})
        rows.append(list(row))
    return rows


def read_cells(data: bytes, filename: str) -> list[list[object]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8 or Windows-1251; «;», «,» or tab)."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return _read_csv(data)
    if name.endswith(".xls"):
        raise ValidationError(_("Старый формат .xls не поддерживается: сохраните файл как .xlsx или .csv."))
    raise ValidationError(_("Загрузите файл .xlsx или .csv."))


def _score(header: str, synonyms: Iterable[str]) -> int:
    """How well a header names a field: the length of the longest synonym it is or starts with (0: not at all)."""
    best = 0
    for synonym in synonyms:
        if header == synonym:
            best = max(best, len(synonym) + 1000)  # an exact header beats any prefix
        elif header.startswith(synonym + " "):
            best = max(best, len(synonym))
    return best


def find_columns(
    cells: list[list[object]], *, fields: dict[str, tuple[str, ...]], required: Iterable[str]
) -> tuple[int, dict[str, int], dict[str, str]]:
    """(index of the header row, field → column index, field → header text) or a Russian error.

    Each column goes to the field whose synonym matches it best («ФИО ребёнка» is the child's name, not
    the parent's «ФИО»); each field takes the best of its columns (the leftmost on a tie).
    """
    required = list(required)
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        headers = [normalize_header(value) for value in row]
        found: dict[str, tuple[int, int]] = {}
        for col, header in enumerate(headers):
            if not header:
                continue
            scores = [(_score(header, synonyms), name) for name, synonyms in fields.items()]
            score, name = max(scores, key=lambda item: item[0])
            if score and (name not in found or found[name][0] < score):
                found[name] = (score, col)
        columns = {name: col for name, (_s, col) in found.items()}
        if all(name in columns for name in required):
            return index, columns, {name: cell_text(row[col]) for name, col in columns.items()}
    wanted = ", ".join(f"«{fields[name][0]}»" for name in required)
    raise ValidationError(
        _("Не найдена строка заголовка: в первых %(n)s строках нет столбцов %(cols)s.")
        % {"n": HEADER_SEARCH_ROWS, "cols": wanted}
    )


def read_table(data: bytes, filename: str, *, fields: dict[str, tuple[str, ...]], required: Iterable[str]) -> Table:
    """Rows below the header, as field → text (empty rows left out), each with its spreadsheet row number."""
    cells = read_cells(data, filename)
    header_index, columns, headers = find_columns(cells, fields=fields, required=required)
    rows = []
    for index in range(header_index + 1, len(cells)):
        raw_row = cells[index]
        raw = {name: raw_row[col] if col < len(raw_row) else None for name, col in columns.items()}
        values = {name: cell_text(value) for name, value in raw.items()}
        if not any(values.values()):
            continue
        rows.append(Row(number=index + 1, values=values, raw=raw))
    return Table(rows=rows, header_row=header_index + 1, columns=headers)


# --- Values -----------------------------------------------------------------------------------------------

_DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2})$"), "dmy2"),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})$"), "dm"),
]


def parse_date(value: object, *, school_year: tuple[int, int] | None = None) -> datetime.date | None:
    """«01.09.2026», «1.9.26», «2026-09-01», an Excel date, or «01.09» (the year taken from the school year).

    Also the first date of a range such as «01.09–03.09». Empty → ``None``; anything else → ``ValidationError``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    text = re.split(r"\s*[–—]\s*|\s+-\s+|\s+", text)[0]
    if "." in text or "/" in text:
        text = text.split("-")[0]  # «01.09-03.09»: the first day of the range
    for pattern, kind in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(x) for x in match.groups()]
        try:
            if kind == "dmy":
                return datetime.date(parts[2], parts[1], parts[0])
            if kind == "dmy2":
                return datetime.date(2000 + parts[2], parts[1], parts[0])
            if kind == "ymd":
                return datetime.date(parts[0], parts[1], parts[2])
            if school_year is None:
                break
            day, month = parts
            return datetime.date(school_year[0] if month >= 8 else school_year[1], month, day)
        except ValueError:
            break
    raise ValidationError(_("Дата «%(value)s» не распознана: ожидается ДД.ММ.ГГГГ.") % {"value": text})


def parse_positive_int(value: str, *, label: str, default: int | None = None, maximum: int = 1000) -> int | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return default
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("%(label)s «%(value)s» — не число.") % {"label": label, "value": value}) from None
    if number != number.to_integral_value() or not 1 <= number <= maximum:
        raise ValidationError(
            _("%(label)s «%(value)s»: нужно целое число от 1 до %(max)s.")
            % {"label": label, "value": value, "max": maximum}
        )
    return int(number)


def parse_decimal(value: str, *, label: str, default: Decimal | None = None) -> Decimal | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return default
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("%(label)s «%(value)s» — не число.") % {"label": label, "value": value}) from None
    if number <= 0:
        raise ValidationError(_("%(label)s должно быть больше нуля.") % {"label": label})
    return number


_CLASS_RE = re.compile(r"^(\d{1,2})\s*[-–]?\s*[«\"']?([А-ЯЁA-Z])[»\"']?$", re.IGNORECASE)
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")


def parse_class_label(value: str) -> tuple[int, str]:
    """«5А», «5 а», «5-А», «11«Б»» → (5, «А»); Latin lookalikes are read as Cyrillic."""
    text = (value or "").strip().upper().translate(_LATIN_TO_CYRILLIC)
    match = _CLASS_RE.match(text)
    if not match or not 1 <= int(match.group(1)) <= 11:
        raise ValidationError(_("Класс «%(value)s» не распознан: ожидается, например, 5А.") % {"value": value})
    return int(match.group(1)), match.group(2).replace("Ё", "Е")


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", value or "") if part.strip()]
