"""Fixtures of the onboarding tests: files built in memory, the sample files, a frozen «today»."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TODAY = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def today():
    """2026-11-28, inside the second quarter of the cast's year."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()
