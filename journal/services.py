"""The one write path of the journal: marks, attendance, topics, homework and period marks.

Each service checks the regulation's rule (п. 3.3: edit windows), writes, and records the history entry,
in one ``transaction.atomic``. Nothing writes these tables around this module — not a view, not a form's
``save()``, not the admin, not an import. Bad input raises ``ValidationError`` with a Russian message and
changes nothing; a save based on a stale value raises ``StaleWrite`` (and the refused attempt is kept in
the history too).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import windows
from audit.history import Chain, history_open
from audit.models import HistoryEntry

from . import caches, pagecache
from .models import (
    HOMEWORK_FILE_EXTENSIONS,
    Attendance,
    Lesson,
    Mark,
    PeriodMark,
    PlannedTopic,
    Student,
    StudyPeriod,
    Subject,
    TeachingAssignment,
    User,
    WorkType,
)
from .states import attendance_state, entry_refs, homework_state, mark_state, period_mark_state, topic_state

Kind = HistoryEntry.Kind
Action = HistoryEntry.Action
Source = HistoryEntry.Source


@dataclass(frozen=True)
class Origin:
    """Who writes, from where, and on what basis.

    ``late_change`` is set only by the late-change procedure (раздел 4) for the entries a director approved:
    it lifts the edit window for that write alone, and ``reference`` names the request.
    """

    by: User
    source: str = Source.GRID
    reference: str = ""
    late_change: bool = False
    at: datetime.datetime | None = None

    def now(self) -> datetime.datetime:
        return self.at or timezone.now()


class StaleWrite(ValidationError):
    """The entry changed since the form was shown; ``current`` is what it holds now."""

    def __init__(self, message, *, current):
        super().__init__(message, code="stale")
        self.current = current


# --- Cells of the grid ---------------------------------------------------------------------------------

ATTENDANCE_ALIASES = {
    "н": "Н",
    "h": "Н",
    "n": "Н",
    "б": "Б",
    "b": "Б",
    "у": "У",
    "y": "У",
    "u": "У",
    "оп": "ОП",
    "op": "ОП",
    "оp": "ОП",
    "oп": "ОП",
    "о": "ОП",
    "o": "ОП",
}


def attendance_code(token: str) -> str:
    """«н», «H», «n» → «Н» and so on (Cyrillic, Latin lookalikes and transliteration)."""
    code = ATTENDANCE_ALIASES.get(token.strip().lower())
    if code is None:
        raise ValidationError(
            _("Код посещаемости «%(code)s» не существует: используйте Н, Б, У или ОП.") % {"code": token}
        )
    return code


@dataclass
class CellInput:
    values: list[int] = field(default_factory=list)
    code: str = ""


def parse_cell(text: str, *, allow_one: bool = False) -> CellInput:
    """«5 4 Н» → marks [5, 4] and attendance «Н». Anything else is refused with the reason."""
    result = CellInput()
    lowest = 1 if allow_one else 2
    for token in re.split(r"[\s,;]+", text.strip()):
        if not token:
            continue
        if token.isdigit():
            value = int(token)
            if not lowest <= value <= 5:
                raise ValidationError(
                    _("Отметки «%(value)s» не существует: допустимы %(low)s–5.") % {"value": token, "low": lowest}
                )
            result.values.append(value)
            continue
        code = attendance_code(token)
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


def _lesson_for_write(lesson: Lesson) -> Lesson:
    """The lesson with what the rules need (class, grade, subject, school) already loaded."""
    if "assignment" in lesson._state.fields_cache:
        return lesson
    return Lesson.objects.select_related(
        "assignment__school_class__school", "assignment__subject", "planned_topic"
    ).get(pk=lesson.pk)


def _students_of(lesson: Lesson):
    """The students the lesson's assignment teaches (its class, or its group); unordered."""
    assignment = lesson.assignment
    students = Student.objects.filter(school_class_id=assignment.school_class_id, is_active=True)
    if assignment.group_id:
        students = students.filter(study_groups=assignment.group_id)
    return students.order_by()  # not Student's default order: it joins the users for nothing here


def _attendance_of(lesson: Lesson, student_id: int) -> Attendance | None:
    """The student's attendance row of the lesson, if the lesson's assignment teaches them — in one query.

    A foreign student (another class or group, or left the school) is refused with ``ValidationError``.
    """
    rows = list(
        _students_of(lesson)
        .filter(pk=student_id)
        .annotate(row=FilteredRelation("attendance", condition=Q(attendance__lesson=lesson.pk)))
        .values_list("row__id", "row__code", "row__version")
    )
    if not rows:
        raise ValidationError(_("Этот ученик не учится в классе (подгруппе) урока."))
    pk, code, version = rows[0]
    if pk is None:
        return None
    return Attendance(pk=pk, lesson=lesson, student_id=student_id, code=code, version=version)


def _check_student(lesson: Lesson, student_id: int) -> None:
    if not _students_of(lesson).filter(pk=student_id).exists():
        raise ValidationError(_("Этот ученик не учится в классе (подгруппе) урока."))


def _cell_state(lesson: Lesson, student_id: int) -> CellState:
    attendance = _attendance_of(lesson, student_id)
    marks = list(Mark.objects.filter(lesson_id=lesson.pk, student_id=student_id).order_by("entered_at", "id"))
    return CellState(marks=marks, attendance=attendance)


def _mark_label(lesson: Lesson) -> str:
    return _("Отметка за %(day)s") % {"day": lesson.date.strftime("%d.%m.%Y")}


def _attendance_label(lesson: Lesson) -> str:
    return _("Посещаемость за %(day)s") % {"day": lesson.date.strftime("%d.%m.%Y")}


def _check_mark_window(origin: Origin, lesson: Lesson, work_type: WorkType, action: str) -> None:
    if origin.late_change:
        return
    window = windows.mark_window(lesson=lesson, work_type=work_type, rules=caches.edit_window_rules())
    windows.check_window(window, action, what=_mark_label(lesson), at=origin.now())


def _check_attendance_window(origin: Origin, lesson: Lesson, action: str, window: windows.Window | None = None) -> None:
    """``window``: the lesson's attendance window if the caller has it already (it depends on the lesson only)."""
    if origin.late_change:
        return
    if window is None:
        window = windows.attendance_window(lesson=lesson, rules=caches.edit_window_rules())
    windows.check_window(window, action, what=_attendance_label(lesson), at=origin.now())


def _default_work_type(lesson: Lesson) -> WorkType:
    planned = lesson.planned_topic
    if planned is not None and planned.assessed_work_type_id:
        return caches.work_types().get(planned.assessed_work_type_id) or caches.default_work_type()
    return caches.default_work_type()


def _check_value(lesson: Lesson, value: int | None, passed: bool | None) -> None:
    if value is None and passed is None:
        raise ValidationError(_("Укажите отметку или «зачёт/незачёт»."))
    if value is not None:
        lowest = 1 if lesson.assignment.school_class.school.uses_mark_one else 2
        if not lowest <= value <= 5:
            raise ValidationError(
                _("Отметки «%(value)s» не существует: допустимы %(low)s–5.") % {"value": value, "low": lowest}
            )


def _weight(value, work_type: WorkType) -> Decimal:
    if value in (None, ""):
        return work_type.weight
    try:
        weight = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Вес «%(value)s» — не число.") % {"value": value}) from None
    if not Decimal("0") < weight <= Decimal("10"):
        raise ValidationError(_("Вес должен быть больше 0 и не больше 10."))
    return weight.quantize(Decimal("0.1"))


def _log(chain: Chain, origin: Origin, kind: str, action: str, obj, *, old, new) -> None:
    """One history entry for ``obj`` (a mark, attendance row, period mark or lesson) written by ``origin``."""
    lesson_id, student_id = entry_refs(kind, obj)
    _add(
        chain,
        origin,
        kind=kind,
        action=action,
        object_id=obj.pk,
        lesson_id=lesson_id,
        student_id=student_id,
        old=old,
        new=new,
    )


def _add(chain: Chain, origin: Origin, **fields) -> None:
    chain.add(user=origin.by, source=origin.source, reference=origin.reference, at=origin.now(), **fields)


def _mark_create(chain, origin, lesson, student_id, *, value, passed=None, work_type, weight=None, comment="") -> Mark:
    _check_value(lesson, value, passed)
    _check_mark_window(origin, lesson, work_type, "create")
    now = origin.now()
    mark = Mark.objects.create(
        lesson=lesson,
        student_id=student_id,
        value=value,
        passed=passed if value is None else None,
        work_type=work_type,
        weight=_weight(weight, work_type),
        comment=comment,
        entered_by=origin.by,
        entered_at=now,
        changed_by=origin.by,
        changed_at=now,
    )
    _log(chain, origin, Kind.MARK, Action.CREATE, mark, old=None, new=mark_state(mark))
    return mark


def _mark_update(chain, origin, lesson, mark: Mark, **changes) -> Mark:
    old = mark_state(mark)
    old_type = caches.work_types().get(mark.work_type_id) or mark.work_type
    for name, value in changes.items():
        setattr(mark, name, value)
    if "value" in changes and mark.value is not None:
        mark.passed = None
    new_type = caches.work_types().get(mark.work_type_id) or mark.work_type
    if "weight" not in changes and mark.work_type_id != old_type.pk:
        mark.weight = new_type.weight
    mark.weight = _weight(mark.weight, new_type)
    new = mark_state(mark)
    if new == old:
        return mark
    _check_value(lesson, mark.value, mark.passed)
    # Both the old and the new kind of work must allow the change (a ВСОКО mark can't become a current
    # mark to escape its window, nor the other way round).
    _check_mark_window(origin, lesson, old_type, "update")
    if new_type.pk != old_type.pk:
        _check_mark_window(origin, lesson, new_type, "update")
    mark.changed_by = origin.by
    mark.changed_at = origin.now()
    updated = Mark.objects.filter(pk=mark.pk, version=mark.version).update(
        value=mark.value,
        passed=mark.passed,
        work_type=mark.work_type_id,
        weight=mark.weight,
        comment=mark.comment,
        changed_by=origin.by,
        changed_at=mark.changed_at,
        version=mark.version + 1,
    )
    if not updated:
        raise StaleWrite(_("Отметку только что изменил другой пользователь."), current=None)
    mark.version += 1
    _log(chain, origin, Kind.MARK, Action.UPDATE, mark, old=old, new=new)
    return mark


def _mark_delete(chain, origin, lesson, mark: Mark) -> None:
    work_type = caches.work_types().get(mark.work_type_id) or mark.work_type
    _check_mark_window(origin, lesson, work_type, "delete")
    deleted, _rows = Mark.objects.filter(pk=mark.pk, version=mark.version).delete()
    if not deleted:
        raise StaleWrite(_("Отметку только что изменил другой пользователь."), current=None)
    _log(chain, origin, Kind.MARK, Action.DELETE, mark, old=mark_state(mark), new=None)


def _attendance_write(
    chain, origin, lesson, student_id, current: Attendance | None, code: str, window: windows.Window | None = None
) -> Attendance | None:
    if (current.code if current else "") == code:
        return current
    now = origin.now()
    if current is None:
        _check_attendance_window(origin, lesson, "create", window)
        attendance = Attendance.objects.create(
            lesson=lesson,
            student_id=student_id,
            code=code,
            entered_by=origin.by,
            entered_at=now,
            changed_by=origin.by,
            changed_at=now,
        )
        _log(chain, origin, Kind.ATTENDANCE, Action.CREATE, attendance, old=None, new=attendance_state(attendance))
        return attendance
    old = attendance_state(current)
    if not code:
        _check_attendance_window(origin, lesson, "delete", window)
        Attendance.objects.filter(pk=current.pk).delete()
        _log(chain, origin, Kind.ATTENDANCE, Action.DELETE, current, old=old, new=None)
        return None
    _check_attendance_window(origin, lesson, "update", window)
    Attendance.objects.filter(pk=current.pk).update(
        code=code, changed_by=origin.by, changed_at=now, version=current.version + 1
    )
    current.code, current.version, current.changed_at = code, current.version + 1, now
    _log(chain, origin, Kind.ATTENDANCE, Action.UPDATE, current, old=old, new=attendance_state(current))
    return current


def _record_refusal(origin: Origin, *, kind: str, lesson_id, student_id, object_id, current, attempted) -> None:
    """A stale save is refused, and the refused attempt is kept in the history beside the winning one."""
    with transaction.atomic():
        chain = history_open()
        _add(
            chain,
            origin,
            kind=kind,
            action=Action.REFUSED,
            object_id=object_id,
            lesson_id=lesson_id,
            student_id=student_id,
            old=current,
            new=attempted,
        )
        chain.close()


def cell_save(*, origin: Origin, lesson: Lesson, student_id: int, text: str, expected: str) -> CellState:
    """Save one cell of the grid: its marks (in order) and its attendance code.

    п. 3.3: a current mark is entered within 10 days and changed within 2 days of the lesson; attendance
    within 2 days; the window of each mark follows its work type. ``expected`` is the token of the cell the
    client showed; if the cell has changed since, nothing is written and ``StaleWrite`` carries the cell now.
    """
    lesson = _lesson_for_write(lesson)
    wanted = parse_cell(text, allow_one=lesson.assignment.school_class.school.uses_mark_one)
    stale = None
    with transaction.atomic():
        chain = history_open()
        state = _cell_state(lesson, student_id)
        if state.token != expected:
            if state.text == " ".join([*map(str, wanted.values), wanted.code]).strip():
                return state  # a double submit: the cell already holds what was asked
            stale = state
        else:
            marks = list(state.marks)
            for index, value in enumerate(wanted.values):
                if index < len(marks):
                    if marks[index].value != value:
                        marks[index] = _mark_update(chain, origin, lesson, marks[index], value=value)
                else:
                    marks.append(
                        _mark_create(
                            chain, origin, lesson, student_id, value=value, work_type=_default_work_type(lesson)
                        )
                    )
            for extra in marks[len(wanted.values) :]:
                _mark_delete(chain, origin, lesson, extra)
            marks = marks[: len(wanted.values)]
            attendance = _attendance_write(chain, origin, lesson, student_id, state.attendance, wanted.code)
            chain.close()
            return CellState(marks=marks, attendance=attendance)
    _record_refusal(
        origin,
        kind=Kind.MARK,
        lesson_id=lesson.pk,
        student_id=student_id,
        object_id=None,
        current={"cell": stale.text},
        attempted={"cell": text.strip()},
    )
    raise StaleWrite(
        _("Клетку уже изменил другой пользователь: сейчас в ней «%(now)s». Проверьте и введите снова.")
        % {"now": stale.text or _("пусто")},
        current=stale,
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
    lesson = _lesson_for_write(lesson)
    code = attendance_code(code) if code else ""
    types = caches.work_types()
    with transaction.atomic():
        chain = history_open()
        state = _cell_state(lesson, student_id)
        if state.token != expected:
            stale = state
        else:
            stale = None
            by_pk = {m.pk: m for m in state.marks}
            kept = []
            for item in marks:
                work_type = types.get(item.work_type_id)
                if work_type is None:
                    raise ValidationError(_("Такого вида работы нет."))
                if item.pk is None:
                    if item.delete:
                        continue
                    kept.append(
                        _mark_create(
                            chain,
                            origin,
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
                    _mark_delete(chain, origin, lesson, mark)
                    continue
                kept.append(
                    _mark_update(
                        chain,
                        origin,
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
            attendance = _attendance_write(chain, origin, lesson, student_id, state.attendance, code)
            chain.close()
            return CellState(marks=sorted(kept, key=lambda m: (m.entered_at, m.pk)), attendance=attendance)
    _record_refusal(
        origin,
        kind=Kind.MARK,
        lesson_id=lesson.pk,
        student_id=student_id,
        object_id=None,
        current={"cell": stale.text},
        attempted={"details": True},
    )
    raise StaleWrite(
        _("Клетку уже изменил другой пользователь: сейчас в ней «%(now)s».") % {"now": stale.text or _("пусто")},
        current=stale,
    )


def lesson_attendance_save(*, origin: Origin, lesson: Lesson, codes: dict[int, str]) -> dict[int, Attendance]:
    """The attendance of a whole lesson in one go: ``codes`` maps student id → code («» = present).

    Students not named are present. Marks the lesson's attendance as taken. п. 3.3: within 2 days.
    """
    lesson = _lesson_for_write(lesson)
    student_ids = sorted(_students_of(lesson).values_list("pk", flat=True))
    known = set(student_ids)
    wanted = {}
    for student_id, code in codes.items():
        if int(student_id) not in known:
            raise ValidationError(_("Ученик с номером %(id)s не учится в этом классе.") % {"id": student_id})
        wanted[int(student_id)] = attendance_code(code) if code else ""
    # The window depends on the lesson only: computed once for all its students.
    window = None if origin.late_change else windows.attendance_window(lesson=lesson, rules=caches.edit_window_rules())
    with transaction.atomic():
        chain = history_open()
        # Taking attendance is itself an entry of the lesson: refused outside its window even if nothing else
        # changes.
        _check_attendance_window(origin, lesson, "create", window)
        current = {a.student_id: a for a in Attendance.objects.filter(lesson_id=lesson.pk)}
        now = origin.now()
        creates, deletes, result = [], [], {}
        for student_id in student_ids:
            code = wanted.get(student_id, "")
            existing = current.get(student_id)
            if existing and existing.code == code:
                result[student_id] = existing
            elif existing and code:
                result[student_id] = _attendance_write(chain, origin, lesson, student_id, existing, code, window)
            elif existing:
                _check_attendance_window(origin, lesson, "delete", window)
                deletes.append(existing)
            elif code:
                _check_attendance_window(origin, lesson, "create", window)
                creates.append(
                    Attendance(
                        lesson=lesson,
                        student_id=student_id,
                        code=code,
                        entered_by=origin.by,
                        entered_at=now,
                        changed_by=origin.by,
                        changed_at=now,
                    )
                )
        if deletes:
            Attendance.objects.filter(pk__in=[a.pk for a in deletes]).delete()
            for a in deletes:
                _log(chain, origin, Kind.ATTENDANCE, Action.DELETE, a, old=attendance_state(a), new=None)
        if creates:
            Attendance.objects.bulk_create(creates)
            for a in creates:
                result[a.student_id] = a
                _log(chain, origin, Kind.ATTENDANCE, Action.CREATE, a, old=None, new=attendance_state(a))
        if lesson.attendance_checked_at is None and not chain.pending:
            # «All present» the first time: no entry changes, but the grid stops marking the lesson unchecked.
            pagecache.classes_changed([lesson.assignment.school_class_id])
        Lesson.objects.filter(pk=lesson.pk).update(attendance_checked_at=now)
        lesson.attendance_checked_at = now
        chain.close()
    return result


# --- Marks, attendance and period marks one by one (admin, imports, late changes) -----------------------------


def mark_create(
    *,
    origin: Origin,
    lesson: Lesson,
    student: Student,
    value: int | None,
    work_type: WorkType | None = None,
    passed: bool | None = None,
    weight=None,
    comment: str = "",
) -> Mark:
    """п. 3.3: a current mark is entered no later than 10 days after the lesson (ВСОКО and written works too)."""
    lesson = _lesson_for_write(lesson)
    _check_student(lesson, student.pk)
    with transaction.atomic():
        chain = history_open()
        mark = _mark_create(
            chain,
            origin,
            lesson,
            student.pk,
            value=value,
            passed=passed,
            work_type=work_type or _default_work_type(lesson),
            weight=weight,
            comment=comment,
        )
        chain.close()
    return mark


def mark_update(*, origin: Origin, mark: Mark, expected_version: int | None = None, **changes) -> Mark:
    """п. 3.3: a current mark is changed no later than 2 days after the lesson (ВСОКО, written works: 10)."""
    allowed = {"value", "passed", "work_type", "weight", "comment"}
    if set(changes) - allowed:
        raise ValidationError(_("Эти поля отметки не меняются."))
    with transaction.atomic():
        chain = history_open()
        current = Mark.objects.select_related("lesson").get(pk=mark.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleWrite(_("Отметку уже изменил другой пользователь."), current=current)
        lesson = _lesson_for_write(current.lesson)
        if "work_type" in changes:
            changes["work_type_id"] = changes["work_type"].pk
        updated = _mark_update(chain, origin, lesson, current, **changes)
        chain.close()
    return updated


def mark_delete(*, origin: Origin, mark: Mark, expected_version: int | None = None) -> None:
    """п. 3.3: a mark is deleted within the same window as it is changed."""
    with transaction.atomic():
        chain = history_open()
        current = Mark.objects.select_related("lesson").filter(pk=mark.pk).first()
        if current is None or (expected_version is not None and current.version != expected_version):
            raise StaleWrite(_("Отметку уже изменил или удалил другой пользователь."), current=current)
        _mark_delete(chain, origin, _lesson_for_write(current.lesson), current)
        chain.close()


def attendance_set(*, origin: Origin, lesson: Lesson, student: Student, code: str) -> Attendance | None:
    """п. 3.3: attendance is entered and changed no later than 2 days after the lesson. «» = present."""
    lesson = _lesson_for_write(lesson)
    code = attendance_code(code) if code else ""
    with transaction.atomic():
        chain = history_open()
        current = _attendance_of(lesson, student.pk)
        result = _attendance_write(chain, origin, lesson, student.pk, current, code)
        chain.close()
    return result


def period_mark_set(
    *,
    origin: Origin,
    student: Student,
    subject: Subject,
    period: StudyPeriod,
    value: str,
    expected: str | None = None,
) -> PeriodMark | None:
    """Set («5», «н/а», «осв», …) or clear («») a period or year mark.

    п. 3.3: entered by the «срок по приказу» of the period; changed no later than 7 days after its end.
    ``expected`` is the value the client showed; a different current value is a stale write.
    """
    value = (value or "").strip().lower().replace(".", "")
    aliases = {"на": "н/а", "н/a": "н/а", "h/a": "н/а", "зачет": "зач", "зачёт": "зач", "незачет": "незач"}
    value = aliases.get(value, value)
    if value and value not in PeriodMark.Value.values:
        raise ValidationError(
            _("Отметки за период «%(value)s» не существует: допустимы 5, 4, 3, 2, н/а, осв, зач, незач.")
            % {"value": value}
        )
    school_class = student.school_class
    if period.kind not in (school_class.period_kind, StudyPeriod.Kind.YEAR):
        raise ValidationError(_("Для %(cls)s класса этот учебный период не применяется.") % {"cls": school_class})
    if period.year_id != school_class.year_id:
        raise ValidationError(_("Период относится к другому учебному году."))
    grade = school_class.grade
    what = _("Отметка за период «%(period)s»") % {"period": period}
    stale = None
    with transaction.atomic():
        chain = history_open()
        current = PeriodMark.objects.filter(student=student, subject=subject, period=period).first()
        now = origin.now()
        if expected is not None and (current.value if current else "") != expected:
            if (current.value if current else "") == value:
                return current  # double submit
            stale = current
        else:
            window = windows.period_mark_window(period=period, grade=grade, rules=caches.edit_window_rules())
            if current is None and value:
                if not origin.late_change:
                    windows.check_window(window, "create", what=what, at=now)
                mark = PeriodMark.objects.create(
                    student=student,
                    subject=subject,
                    period=period,
                    value=value,
                    entered_by=origin.by,
                    entered_at=now,
                    changed_by=origin.by,
                    changed_at=now,
                )
                _log(chain, origin, Kind.PERIOD_MARK, Action.CREATE, mark, old=None, new=period_mark_state(mark))
            elif current is not None and not value:
                if not origin.late_change:
                    windows.check_window(window, "delete", what=what, at=now)
                PeriodMark.objects.filter(pk=current.pk).delete()
                _log(chain, origin, Kind.PERIOD_MARK, Action.DELETE, current, old=period_mark_state(current), new=None)
                mark = None
            elif current is not None and current.value != value:
                if not origin.late_change:
                    windows.check_window(window, "update", what=what, at=now)
                old = period_mark_state(current)
                PeriodMark.objects.filter(pk=current.pk).update(
                    value=value, changed_by=origin.by, changed_at=now, version=current.version + 1
                )
                current.value, current.version = value, current.version + 1
                _log(chain, origin, Kind.PERIOD_MARK, Action.UPDATE, current, old=old, new=period_mark_state(current))
                mark = current
            else:
                mark = current
            chain.close()
            return mark
    _record_refusal(
        origin,
        kind=Kind.PERIOD_MARK,
        lesson_id=None,
        student_id=student.pk,
        object_id=stale.pk if stale else None,
        current={"value": stale.value if stale else ""},
        attempted={"value": value},
    )
    raise StaleWrite(
        _("Отметку за период уже изменил другой пользователь: сейчас «%(now)s».")
        % {"now": (stale.value if stale else "") or _("пусто")},
        current=stale,
    )


# --- Lessons: topic and homework ---------------------------------------------------------------------------


def lesson_topic_set(
    *, origin: Origin, lesson: Lesson, topic: str, planned_topic: PlannedTopic | None = None
) -> Lesson:
    """The lesson's topic (п. 3.3: «наличие сведений о темах уроков»), optionally linked to its КТП topic."""
    topic = " ".join((topic or "").split())
    if len(topic) > 500:
        raise ValidationError(_("Тема урока длиннее 500 символов."))
    if planned_topic is not None and planned_topic.assignment_id != lesson.assignment_id:
        raise ValidationError(_("Эта тема из КТП другого класса или предмета."))
    with transaction.atomic():
        chain = history_open()
        current = Lesson.objects.get(pk=lesson.pk)
        old = topic_state(current)
        current.topic = topic
        current.planned_topic = planned_topic
        if planned_topic is None and old["planned_topic"] and topic == old["topic"]:
            current.planned_topic_id = old["planned_topic"]
        new = topic_state(current)
        if new != old:
            Lesson.objects.filter(pk=lesson.pk).update(topic=topic, planned_topic=current.planned_topic_id)
            _log(chain, origin, Kind.TOPIC, Action.UPDATE if old["topic"] else Action.CREATE, lesson, old=old, new=new)
            chain.close()
    lesson.topic, lesson.planned_topic_id = current.topic, current.planned_topic_id
    return lesson


def validate_homework_file(upload: UploadedFile) -> None:
    if upload.size > settings.HOMEWORK_FILE_MAX_BYTES:
        raise ValidationError(_("Файл больше %(mb)s МБ.") % {"mb": settings.HOMEWORK_FILE_MAX_BYTES // (1024 * 1024)})
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in HOMEWORK_FILE_EXTENSIONS:
        raise ValidationError(
            _("Файлы этого типа нельзя прикрепить. Допустимы: %(list)s.")
            % {"list": ", ".join(HOMEWORK_FILE_EXTENSIONS)}
        )


def lesson_homework_set(
    *,
    origin: Origin,
    lesson: Lesson,
    text: str,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> Lesson:
    """The homework of a lesson: text and an optional attachment (п. 5: «содержание домашних заданий»)."""
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError(_("Домашнее задание длиннее 5000 символов."))
    if upload is not None:
        validate_homework_file(upload)
    with transaction.atomic():
        chain = history_open()
        current = Lesson.objects.get(pk=lesson.pk)
        old = homework_state(current)
        current.homework = text
        if remove_file:
            current.homework_file = ""
        if upload is not None:
            current.homework_file.save(upload.name, upload, save=False)
        new = homework_state(current)
        if new != old:
            Lesson.objects.filter(pk=lesson.pk).update(homework=text, homework_file=current.homework_file.name or "")
            _log(
                chain,
                origin,
                Kind.HOMEWORK,
                Action.UPDATE if (old["homework"] or old["file"]) else Action.CREATE,
                lesson,
                old=old,
                new=new,
            )
            chain.close()
    lesson.homework, lesson.homework_file = current.homework, current.homework_file
    return lesson


def topics_fill_from_plan(*, origin: Origin, assignment: TeachingAssignment, lessons: list[Lesson]) -> int:
    """«Заполнить из КТП»: lessons without a topic take the next planned topics in order.

    The next topic is the one after the last planned topic already used by a lesson of this assignment.
    Returns how many lessons got a topic.
    """
    with transaction.atomic():
        chain = history_open()
        used = (
            Lesson.objects.filter(assignment=assignment, planned_topic__isnull=False)
            .order_by("-planned_topic__position")
            .values_list("planned_topic__position", flat=True)
            .first()
        ) or 0
        topics = list(PlannedTopic.objects.filter(assignment=assignment, position__gt=used).order_by("position"))
        targets = Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons], topic="", is_held=True).order_by(
            "date", "number"
        )
        filled = 0
        for lesson, planned in zip(targets, topics, strict=False):
            old = topic_state(lesson)
            lesson.topic, lesson.planned_topic = planned.title, planned
            Lesson.objects.filter(pk=lesson.pk).update(topic=planned.title, planned_topic=planned)
            _log(chain, origin, Kind.TOPIC, Action.CREATE, lesson, old=old, new=topic_state(lesson))
            filled += 1
        chain.close()
    return filled
