"""Writing spreadsheet cells from people's text safely: every XLSX export of the product goes through here.

A name, phone, topic or comment that begins with «=», «+», «-» or «@» would otherwise be stored as a formula
(openpyxl turns any string starting with «=» into one) and run in the reader's Excel — formula injection.
Text is always written as text; numbers, dates and booleans keep their types.
"""

from collections.abc import Iterable

from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet


def write(sheet: Worksheet, row: int, column: int, value) -> Cell:
    """One cell; a string stays a string, whatever it begins with."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def append(sheet: Worksheet, values: Iterable) -> int:
    """A row after the last one (``Worksheet.append`` without formulas). Returns the row number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        write(sheet, row, column, value)
    return row
