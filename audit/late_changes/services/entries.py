"""What filing and applying share about one entry of a request: its values, their texts in the change table,
and the row of the journal it points at now."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from journal import caches
from journal import services as journal
from journal.models import Attendance, Mark, PeriodMark, WorkType
from journal.states import attendance_state, mark_state, period_mark_state

from ..models import EntryAction, EntryKind, LateChangeItem


def parse_mark(text: str, *, allow_one: bool) -> tuple[int | None, bool | None]:
    """«5» → (5, None); «зач» → (None, True); «незач» → (None, False). Anything else is refused."""
    token = (text or "").strip().lower().replace("ё", "е").rstrip(".")
    if token in {"зач", "зачет", "зачтено"}:
        return None, True
    if token in {"незач", "незачет", "не зачтено"}:
        return None, False
    cell = journal.parse_cell(token, allow_one=allow_one)
    if len(cell.values) != 1 or cell.code:
        raise ValidationError(_("Укажите одну отметку: %(low)s–5, «зач» или «незач».") % {"low": 1 if allow_one else 2})
    return cell.values[0], None


def mark_text(value, passed, work_type: WorkType | None) -> str:
    shown = str(value) if value is not None else (_("зач") if passed else _("незач"))
    return f"{shown} ({work_type.name})" if work_type else shown


def mark_state_text(state: dict | None) -> str:
    """A mark's ``journal.states.mark_state`` as the change table prints it: «5 (Ответ на уроке)»."""
    if not state:
        return ""
    work_type = caches.work_types().get(state.get("work_type"))
    return mark_text(state.get("value"), state.get("passed"), work_type)


def state_value(kind: str, state: dict | None) -> str:
    """An attendance code or a period mark's value as the history records it («» for none)."""
    if not state:
        return ""
    return state.get("code" if kind == EntryKind.ATTENDANCE else "value", "")


def current_of_item(item: LateChangeItem) -> tuple[Mark | Attendance | PeriodMark | None, dict | None]:
    """The row an item is about as it is now, and its state (``journal.states``); nothing for a mark to add.

    Filing keeps that state as the old value; applying refuses the request if it is no longer so.
    """
    if item.kind == EntryKind.MARK:
        if item.action == EntryAction.ADD:
            return None, None
        mark = (
            Mark.objects.select_related("work_type")
            .filter(pk=item.target_id, lesson_id=item.lesson_id, student_id=item.student_id)
            .first()
        )
        return mark, mark_state(mark) if mark else None
    if item.kind == EntryKind.ATTENDANCE:
        row = Attendance.objects.filter(lesson_id=item.lesson_id, student_id=item.student_id).first()
        return row, attendance_state(row) if row else None
    row = PeriodMark.objects.filter(
        student_id=item.student_id, subject_id=item.subject_id, period_id=item.period_id
    ).first()
    return row, period_mark_state(row) if row else None
