"""What a caller asks of the late-change procedure (раздел 4): the entries to change and the supporting document.

The form (``audit.late_changes.forms``) and the tests build these; ``late_change_submit`` checks them.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class EntryInput:
    """One entry as the form (or a caller) asks for it.

    ``value``: the new mark («5», «зач», «незач»), attendance code («Н», «Б», «У», «ОП») or period mark («4»,
    «н/а», «осв»…); empty for a deletion. ``work_type_id``/``comment`` for marks; ``None`` keeps them.
    """

    kind: str
    action: str
    student_id: int
    lesson_id: int | None = None
    period_id: int | None = None
    subject_id: int | None = None
    target_id: int | None = None
    value: str = ""
    work_type_id: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class DocumentInput:
    """The supporting document of раздел 4 («подтверждённым документально»)."""

    kind: str
    number: str
    date: datetime.date
    issuer: str
