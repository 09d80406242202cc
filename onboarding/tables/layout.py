"""Where the data of a grid is: the header (one row, or two with a group over its parts), the columns found by
their names, and which rows below are data, section headings, totals or repeated headers.

Columns are found by their header, whatever the order, through a list of synonyms per field. A two-row header
(«Количество часов» over «Всего | Контрольные работы | Практические работы», «Дата» over «план | факт») names
each column by both rows; the lower row is recognised whether Excel kept the merge or a CSV lost it. Rows that
are not data are never read as data: each is reported with why it was skipped.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .formats import Grid
from .values import cell_text, is_month_name, is_number, normalize_header

#: How many top rows are searched for the header (titles, school name and «Утверждаю» blocks come first).
HEADER_SEARCH_ROWS = 30

#: Lower header rows that name parts of the column above them.
SUBHEADER_WORDS = {
    "план",
    "факт",
    "по плану",
    "по факту",
    "планируемая",
    "фактическая",
    "фактически",
    "всего",
    "контрольные работы",
    "практические работы",
    "лабораторные работы",
    "контрольные",
    "практические",
}

_TOTAL = re.compile(r"^(итого|всего|общее\s+(количество|кол-во|число)|количество\s+часов\s+по\s+программе)\b")
_SECTION = re.compile(r"^((раздел|модуль|глава|блок)\b|(часть|тема)\s*№?\s*(\d+|[ivxlc]+)\b)")
_TERM = re.compile(
    r"^(([ivx]+|\d)\s*-?\s*(я|ая)?\s*(четверть|полугодие|триместр)|(четверть|полугодие|триместр)\s*([ivx]+|\d))"
)


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (1-based; in a Word table, the row of the table)
    values: dict[str, str] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    section: str = ""  # the section heading above the row, if the table has them

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Table:
    rows: list[Row]
    header_row: int  # the first header row, 1-based
    columns: dict[str, str]  # field → its header as the file shows it
    where: str = ""  # «лист «КТП»», «таблица 3 документа»
    caption: str = ""  # the text above the header: titles of the sheet, or the paragraphs above a Word table
    sections: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why it is not data)
    ignored: list[str] = field(default_factory=list)  # headers of the columns nothing is read from


@dataclass
class Header:
    top: int
    bottom: int  # == top for a one-row header
    columns: dict[str, int]  # field → column
    shown: list[str]  # each column's header as the file shows it («Количество часов / Всего»)
    words: set[str]  # every header text, normalised: a data row made of them repeats the header


def display_name(synonym: str) -> str:
    """A synonym as a person would write the column's name: «тема урока» → «Тема урока», «фио ребенка» → «ФИО
    ребенка»."""
    name = re.sub(r"^(фио|ф\.и\.о\.|ф\. и\. о\.)", lambda m: m.group(1).upper(), synonym)
    return name[:1].upper() + name[1:]


def accepted_names(synonyms: tuple[str, ...]) -> str:
    return ", ".join(f"«{display_name(name)}»" for name in synonyms)


def _score(parts: tuple[str, str, str], synonyms: tuple[str, ...]) -> int:
    """How well a header names a field: exact beats prefix, and a whole two-row name or its lower part beats the
    group above («Количество часов / Контрольные работы» is the control works' column, not the hours')."""
    full, top, bottom = parts
    best = 0
    for synonym in synonyms:
        if full == synonym:
            best = max(best, 3000 + len(synonym))
        elif bottom and bottom == synonym:
            best = max(best, 2000 + len(synonym))
        elif bottom and top == synonym:
            best = max(best, 1000 + len(synonym))
        elif full.startswith(synonym + " ") or (bottom and bottom.startswith(synonym + " ")):
            best = max(best, len(synonym))
    return best


def _own(grid: Grid, row: int, col: int) -> str:
    """The cell's own text: empty for a cell covered by a merge that starts elsewhere."""
    span = grid.merge_of(row, col)
    if span and (span[0], span[1]) != (row, col):
        return ""
    return cell_text(grid.value(row, col))


def _is_subheader(grid: Grid, top: int) -> bool:
    """Whether the row under ``top`` names parts of the columns above it («план | факт» under «Дата»)."""
    row = top + 1
    # A header has several columns: an empty row or a title merged across the table is no header's upper row.
    if row >= len(grid.cells) or len(_row_cells(grid, top)) < 2:
        return False
    texts = {}
    for col in range(grid.width):
        span = grid.merge_of(row, col)
        if span and span[0] <= top:
            continue  # the header above reaches down here
        text = _own(grid, row, col)
        if text:
            texts[col] = text
    if not texts or any(is_number(t) or re.search(r"\d[./]\d", t) for t in texts.values()):
        return False
    empty_above = {col for col in texts if not cell_text(grid.shown(top, col))}
    for col, text in texts.items():
        span = grid.merge_of(top, col)
        if (span and span[3] > span[1]) or col in empty_above or normalize_header(text) in SUBHEADER_WORDS:
            continue
        run = {col}
        for step in (-1, 1):
            k = col + step
            while k in texts:
                run.add(k)
                k += step
        if not run & empty_above:
            return False
    return True


def _header_texts(grid: Grid, top: int, two: bool) -> list[tuple[str, str]]:
    """(upper, lower) header text of each column; a group header stands over every column of its group."""
    pairs = []
    for col in range(grid.width):
        upper = cell_text(grid.shown(top, col))
        lower = ""
        if two:
            span = grid.merge_of(top + 1, col)
            lower = "" if span and span[0] <= top else cell_text(grid.shown(top + 1, col))
        pairs.append((upper, lower))
    if two:  # a CSV keeps a group's name in its first column only
        for col, (upper, lower) in enumerate(pairs):
            k = col - 1
            while not upper and lower and k >= 0 and pairs[k][1]:
                upper = pairs[k][0]
                k -= 1
            pairs[col] = (upper, lower)
    return pairs


def _match(grid: Grid, top: int, fields: dict[str, tuple[str, ...]]) -> Header:
    two = _is_subheader(grid, top)
    pairs = _header_texts(grid, top, two)
    found: dict[str, tuple[int, int]] = {}
    for col, (upper, lower) in enumerate(pairs):
        parts = (normalize_header(f"{upper} {lower}"), normalize_header(upper), normalize_header(lower))
        if not parts[0]:
            continue
        score, name = max(((_score(parts, synonyms), name) for name, synonyms in fields.items()), key=lambda x: x[0])
        if score and (name not in found or found[name][0] < score):
            found[name] = (score, col)
    return Header(
        top=top,
        bottom=top + 1 if two else top,
        columns={name: col for name, (_s, col) in found.items()},
        shown=[f"{u} / {lo}" if lo and u else u or lo for u, lo in pairs],
        words={normalize_header(text) for pair in pairs for text in pair if text},
    )


def locate_header(
    grid: Grid, *, fields: dict[str, tuple[str, ...]], required: list[str]
) -> tuple[Header | None, Header | None]:
    """(the header that names every required field, or ``None``; the row that came closest, for the message)."""
    closest, closest_score = None, (0, 0)
    for top in range(min(HEADER_SEARCH_ROWS, len(grid.cells))):
        header = _match(grid, top, fields)
        if all(name in header.columns for name in required):
            return header, header
        score = (sum(1 for name in required if name in header.columns), len(header.columns))
        if score > closest_score and len(header.columns) >= 2:
            closest, closest_score = header, score
    return None, closest


def _row_cells(grid: Grid, row: int) -> list[tuple[int, str]]:
    return [(col, text) for col in range(grid.width) if (text := _own(grid, row, col))]


def _raw(grid: Grid, row: int, col: int, first_data_row: int) -> object:
    """A data cell's value; a cell merged down over several rows («01.09–05.09» for a week of lessons) gives its
    value to each of them."""
    span = grid.merge_of(row, col)
    if span and span[1] == span[3] and first_data_row <= span[0] < row:
        return grid.value(span[0], col)
    return None if span and (span[0], span[1]) != (row, col) else grid.value(row, col)


def _not_data(cells: list[tuple[int, str]], header: Header) -> str:
    """Why a row is no data (a repeated header, the columns' numbers, a total), or «»."""
    texts = [text for _col, text in cells]
    if len(texts) >= 2 and all(normalize_header(t) in header.words for t in texts):
        return _("повтор заголовка таблицы")
    if len(texts) >= 3 and texts == [str(n) for n in range(1, len(texts) + 1)]:
        return _("номера столбцов")
    label = next((t for t in texts if not is_number(t)), "")
    if _TOTAL.match(normalize_header(label)):
        return _("итоговая строка «%(text)s»") % {"text": label}
    return ""


def read_rows(grid: Grid, header: Header, *, section_field: str | None = None) -> Table:
    """The rows under the header. With ``section_field`` (the column of titles) a table may have section headings:
    a row of one text outside that column («Раздел 1. Натуральные числа (43 ч)» from column A, or across the
    whole row), a row starting «Раздел», «Модуль», «Глава» without a number of its own, or a title with every other
    column empty. Headings of months and quarters are skipped, not taken for sections."""
    columns = header.columns
    table = Table(
        rows=[],
        header_row=header.top + 1,
        columns={name: header.shown[col] for name, col in columns.items()},
        where=grid.label,
        caption=" ".join(
            [grid.caption, *(" ".join(t for _c, t in _row_cells(grid, r)) for r in range(header.top))]
        ).strip(),
        ignored=[text for col, text in enumerate(header.shown) if text and col not in columns.values()],
    )
    section = ""
    first = header.bottom + 1
    for index in range(first, len(grid.cells)):
        cells = _row_cells(grid, index)
        if not cells:
            continue
        number = index + 1
        why = _not_data(cells, header)
        if why:
            table.skipped.append((number, why))
            continue
        raw = {name: _raw(grid, index, col, first) for name, col in columns.items()}
        values = {name: cell_text(value) for name, value in raw.items()}
        if section_field is not None:
            heading = _heading(cells, values, columns, section_field)
            if heading == "skip":
                table.skipped.append((number, _("заголовок месяца или четверти «%(text)s»") % {"text": cells[0][1]}))
                continue
            if heading:
                section = heading
                table.sections.append((number, heading))
                continue
        if not any(values.values()):
            table.skipped.append((number, _("нет данных в распознанных столбцах")))
            continue
        table.rows.append(Row(number=number, values=values, raw=raw, section=section))
    return table


def _heading(cells: list[tuple[int, str]], values: dict[str, str], columns: dict[str, int], title: str) -> str:
    """The section title the row is, «skip» for a month's or quarter's heading, or «» for a data row."""
    texts = [text for _col, text in cells]
    label = next((t for t in texts if not is_number(t)), "")
    single = len(cells) == 1 and not is_number(texts[0])
    if single and (is_month_name(texts[0]) or _TERM.match(normalize_header(texts[0]))):
        return "skip"
    if single and cells[0][0] != columns.get(title):
        return texts[0]
    if label and _SECTION.match(normalize_header(label)) and values.get("number", label) in ("", label):
        return label
    others = [name for name in columns if name != title]
    if values.get(title) and others and not any(values.get(name) for name in others):
        return values[title]
    return ""
