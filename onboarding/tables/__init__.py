"""Reading the tables schools already have: Excel (.xlsx, .xls), CSV and the tables of Word documents.

One reader for every import (КТП, students, parents, teachers): ``formats`` turns a file into grids of cells
with their merged ranges, ``layout`` finds the header (anywhere in the top rows, over one row or two) and tells
data rows from section headings, totals and repeated headers, ``values`` reads dates, numbers and classes.
Every row keeps the number a person sees, so every message can name it; every row that is not read as data is
reported with why.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formats import MAX_ROWS, Grid, read_grids
from .layout import HEADER_SEARCH_ROWS, Header, Row, Table, accepted_names, display_name, locate_header, read_rows
from .values import (
    cell_text,
    is_number,
    normalize_header,
    parse_class_label,
    parse_count,
    parse_date,
    parse_date_span,
    parse_decimal,
    parse_positive_int,
    split_list,
)

__all__ = [
    "MAX_ROWS",
    "Grid",
    "Header",
    "HeaderNotFound",
    "Row",
    "Table",
    "accepted_names",
    "cell_text",
    "display_name",
    "header_error",
    "is_number",
    "locate_header",
    "normalize_header",
    "parse_class_label",
    "parse_count",
    "parse_date",
    "parse_date_span",
    "parse_decimal",
    "parse_positive_int",
    "read_grids",
    "read_table",
    "read_tables",
    "split_list",
]


class HeaderNotFound(ValidationError):
    """No header names the required columns; ``missing`` of them were not found in the row that came closest."""

    def __init__(self, message: str, *, missing: int):
        super().__init__(message)
        self.missing = missing


def header_error(closest, *, fields: dict[str, tuple[str, ...]], required: list[str]) -> HeaderNotFound:
    """What to change when no header names the required columns: the names accepted, and what was found."""
    missing = [name for name in required if closest is None or name not in closest.columns]
    lines = [
        _("Не найдена строка заголовка: в первых %(n)s строках нет столбца %(cols)s.")
        % {"n": HEADER_SEARCH_ROWS, "cols": ", ".join(f"«{display_name(fields[name][0])}»" for name in missing)}
    ]
    for name in missing:
        lines.append(
            _("Назовите столбец «%(field)s» одним из имён: %(names)s.")
            % {"field": display_name(fields[name][0]), "names": accepted_names(fields[name])}
        )
    if closest is not None:
        lines.append(
            _("Ближе всего строка %(row)s, в ней столбцы: %(cols)s.")
            % {"row": closest.top + 1, "cols": ", ".join(f"«{text}»" for text in closest.shown if text)}
        )
    return HeaderNotFound(" ".join(lines), missing=len(missing))


def read_tables(
    data: bytes,
    filename: str,
    *,
    fields: dict[str, tuple[str, ...]],
    required: list[str],
    section_field: str | None = None,
) -> list[Table]:
    """Every table of the file whose header names the required fields, in the file's order; none → a message
    listing the accepted column names."""
    tables, closest = [], None
    for grid in read_grids(data, filename):
        header, near = locate_header(grid, fields=fields, required=required)
        if header is None:
            if near is not None and (closest is None or len(near.columns) > len(closest.columns)):
                closest = near
            continue
        tables.append(read_rows(grid, header, section_field=section_field))
    if not tables:
        raise header_error(closest, fields=fields, required=required)
    return tables


def read_table(data: bytes, filename: str, *, fields: dict[str, tuple[str, ...]], required: list[str]) -> Table:
    """The first table of the file that names the required fields."""
    return read_tables(data, filename, fields=fields, required=required)[0]
