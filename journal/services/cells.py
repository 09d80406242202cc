"""The grid's cells: what a teacher types into one cell (marks and an attendance code) and the cell's details."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import caches
from ..models import Attendance, Lesson, Mark
from .attendance import attendance_code, attendance_of, write_attendance
from .base import Kind, Origin, StaleWrite, journal_write, record_refusal
from .marks import default_work_type, lesson_for_write, write_mark_create, write_mark_delete, write_mark_update


@dataclass
class CellInput:
    values: list[int] = field(default_factory=list)
    code: str = ""


MAX_DIGITS = 3  # «5», «10» … a longer run of digits is not a mark, whatever it says


def parse_cell(text: str, *, allow_one: bool = False) -> CellInput:
    """«5 4 Н» → marks [5, 4] and attendance «Н». Anything else is refused with the reason."""
    result = CellInput()
    lowest = 1 if allow_one else 2
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        if token.isdecimal() and token.isascii():
            if len(token) > MAX_DIGITS or not lowest <= int(token) <= 5:
                raise ValidationError(
                    _("Отметки «%(value)s» не существует: допустимы %(low)s–5.")
                    % {"value": token[:MAX_DIGITS] + ("…" if len(token) > MAX_DIGITS else ""), "low": lowest}
                )
            result.values.append(int(token))
            continue
        if any(char.isdigit() for char in token):
            # Superscript, circled or other scripts' digits: not marks, and never a 500.
            raise ValidationError(
                _("«%(value)s» — не отметка: введите цифру от %(low)s до 5.") % {"value": token[:10], "low": lowest}
            )
        code = attendance_code(token[:10])
        if result.code and result.code != code:
            raise ValidationError(_("В клетке может быть только один код посещаемости."))
        result.code = code
    if len(result.values) > 4:
        raise ValidationError(_("Не больше четырёх отметок за один урок."))
    return result


@dataclass
class CellState:
    """What a cell holds now, and the token a client must send back to change it."""

    marks: list[Mark]
    attendance: Attendance | None

    @property
    def token(self) -> str:
        return cell_token(
            [(m.pk, m.version) for m in self.marks],
            (self.attendance.pk, self.attendance.version) if self.attendance else None,
        )

    @property
    def text(self) -> str:
        parts = [m.display for m in self.marks]
        if self.attendance:
            parts.append(self.attendance.code)
        return " ".join(parts)


def cell_token(marks: list[tuple[int, int]], attendance: tuple[int, int] | None) -> str:
    """A short fingerprint of a cell's rows and versions: it changes with every write to the cell."""
    token = ",".join(f"{pk}.{version}" for pk, version in marks)
    if attendance:
        token += f";{attendance[0]}.{attendance[1]}"
    return token


def cell_state(lesson: Lesson, student_id: int) -> CellState:
    attendance = attendance_of(lesson, student_id)
    marks = list(Mark.objects.filter(lesson_id=lesson.pk, student_id=student_id).order_by("entered_at", "id"))
    return CellState(marks=marks, attendance=attendance)


def _refuse_stale(origin: Origin, lesson: Lesson, student_id: int, stale: CellState, attempted: dict, message: str):
    record_refusal(
        origin,
        kind=Kind.MARK,
        lesson_id=lesson.pk,
        student_id=student_id,
        object_id=None,
        current={"cell": stale.text},
        attempted=attempted,
    )
    raise StaleWrite(message % {"now": stale.text or _("пусто")}, current=stale)


def cell_save(*, origin: Origin, lesson: Lesson, student_id: int, text: str, expected: str) -> CellState:
    """Save one cell of the grid: its marks (in order) and its attendance code.

    п. 3.3: a current mark is entered within 10 days and changed within 2 days of the lesson; attendance
    within 2 days; the window of each mark follows its work type. ``expected`` is the token of the cell the
    client showed; if the cell has changed since, nothing is written and ``StaleWrite`` carries the cell now.
    """
    lesson = lesson_for_write(lesson)
    wanted = parse_cell(text, allow_one=lesson.assignment.school_class.school.uses_mark_one)
    with journal_write(origin) as write:
        state = cell_state(lesson, student_id)
        if state.token == expected:
            marks = list(state.marks)
            for index, value in enumerate(wanted.values):
                if index < len(marks):
                    if marks[index].value != value:
                        marks[index] = write_mark_update(write, lesson, marks[index], value=value)
                else:
                    marks.append(
                        write_mark_create(write, lesson, student_id, value=value, work_type=default_work_type(lesson))
                    )
            for extra in marks[len(wanted.values) :]:
                write_mark_delete(write, lesson, extra)
            attendance = write_attendance(write, lesson, student_id, state.attendance, wanted.code)
            return CellState(marks=marks[: len(wanted.values)], attendance=attendance)
        if state.text == " ".join([*map(str, wanted.values), wanted.code]).strip():
            return state  # a double submit: the cell already holds what was asked
    _refuse_stale(
        origin,
        lesson,
        student_id,
        state,
        {"cell": text.strip()[:100]},
        _("Клетку уже изменил другой пользователь: сейчас в ней «%(now)s». Проверьте и введите снова."),
    )


@dataclass
class MarkInput:
    """One mark of the cell's details form. ``pk`` None means a new mark; ``delete`` removes it."""

    pk: int | None
    value: int | None
    passed: bool | None
    work_type_id: int
    weight: str | Decimal | None
    comment: str
    delete: bool = False


def cell_details_save(
    *, origin: Origin, lesson: Lesson, student_id: int, marks: list[MarkInput], code: str, expected: str
) -> CellState:
    """Save the cell's details: each mark's value, work type, weight and «за что», and attendance.

    The same windows as ``cell_save`` apply to each mark by its own work type (п. 3.3).
    """
    lesson = lesson_for_write(lesson)
    code = attendance_code(code) if code else ""
    types = caches.work_types()
    with journal_write(origin) as write:
        state = cell_state(lesson, student_id)
        if state.token == expected:
            by_pk = {m.pk: m for m in state.marks}
            kept = []
            for item in marks:
                work_type = types.get(item.work_type_id)
                if work_type is None:
                    raise ValidationError(_("Такого вида работы нет."))
                if item.pk is None:
                    if not item.delete:
                        kept.append(
                            write_mark_create(
                                write,
                                lesson,
                                student_id,
                                value=item.value,
                                passed=item.passed,
                                work_type=work_type,
                                weight=item.weight,
                                comment=item.comment,
                            )
                        )
                    continue
                mark = by_pk.get(item.pk)
                if mark is None:
                    raise ValidationError(_("Этой отметки уже нет в клетке."))
                if item.delete:
                    write_mark_delete(write, lesson, mark)
                    continue
                kept.append(
                    write_mark_update(
                        write,
                        lesson,
                        mark,
                        value=item.value,
                        passed=item.passed,
                        work_type_id=item.work_type_id,
                        work_type=work_type,
                        weight=item.weight,
                        comment=item.comment,
                    )
                )
            attendance = write_attendance(write, lesson, student_id, state.attendance, code)
            return CellState(marks=sorted(kept, key=lambda m: (m.entered_at, m.pk)), attendance=attendance)
    _refuse_stale(
        origin,
        lesson,
        student_id,
        state,
        {"details": True},
        _("Клетку уже изменил другой пользователь: сейчас в ней «%(now)s»."),
    )
