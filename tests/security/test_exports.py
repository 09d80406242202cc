"""No cell made from people's text is ever a formula in an XLSX export (formula injection).

Names, phones, topics and comments beginning with «=», «+», «-» or «@» are written as text in every export: the
dashboard and its drill-downs, the class teacher's list of parents to remind, and the change table.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.compliance.models import Criterion
from journal import xlsx
from journal.tests import factories as f

HOSTILE_NAME = '=HYPERLINK("http://evil.test","Открыть")'
HOSTILE_PHONE = "=1+1"


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_no_formula(content: bytes) -> list[str]:
    texts = []
    for cell in _cells(content):
        assert cell.data_type != "f", f"{cell.coordinate}: {cell.value!r} is a formula"
        if isinstance(cell.value, str):
            texts.append(cell.value)
    return texts


def test_the_writer_keeps_text_as_text():
    from openpyxl import Workbook

    sheet = Workbook().active
    row = xlsx.append(sheet, ["=1+2", "+7 900", "@SUM(A1)", 5])
    assert [cell.data_type for cell in sheet[row]] == ["s", "s", "s", "n"]
    assert xlsx.write(sheet, 3, 1, "-2+3").data_type == "s"


@pytest.fixture
def hostile_parent(student, class_5a):
    """A parent who never opened the diary, whose name and phone are formulas (for the visits criterion)."""
    parent = f.UserFactory(surname=HOSTILE_NAME, name="@SUM(1)", phone=HOSTILE_PHONE, roles=["Родитель"])
    f.GuardianshipFactory(parent=parent, student=student)
    return parent


def test_no_export_has_a_formula(hostile_parent, deputy, class_teacher, client_for, quarter, frozen_now):
    call_command("run_compliance_checks")
    deputy_client = client_for(deputy)
    exports = [
        deputy_client.get(reverse("audit:dashboard"), {"format": "xlsx"}),
        deputy_client.get(reverse("audit:criterion", args=[Criterion.PARENT_VISITS.value]), {"format": "xlsx"}),
        client_for(class_teacher).get(reverse("audit:my_class"), {"format": "xlsx"}),
    ]
    texts = []
    for response in exports:
        assert response.status_code == 200
        texts += _assert_no_formula(response.content)
    assert any(HOSTILE_NAME in text for text in texts)  # the hostile name is in an export, as text
