"""Current marks (отметки текущего контроля): created, changed and deleted under their edit windows (п. 3.3)."""

import copy
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import caches, windows
from ..models import Lesson, Mark, Student, WorkType
from ..states import mark_state
from .base import Action, JournalWrite, Kind, Origin, StaleWrite, journal_write


def lesson_for_write(lesson: Lesson) -> Lesson:
    """The lesson with what the rules need (class, grade, subject, school) already loaded."""
    if "assignment" in lesson._state.fields_cache:
        return lesson
    return Lesson.objects.select_related(
        "assignment__school_class__school", "assignment__subject", "planned_topic"
    ).get(pk=lesson.pk)


def check_student(lesson: Lesson, student_id: int) -> None:
    if not Student.objects.of_assignment(lesson.assignment).filter(pk=student_id).exists():
        raise ValidationError(_("Этот ученик не учится в классе (подгруппе) урока."))


def default_work_type(lesson: Lesson) -> WorkType:
    """The work type of a new mark: the one the КТП plans for the lesson, or the school's default."""
    planned = lesson.planned_topic
    if planned is not None and planned.assessed_work_type_id:
        return caches.work_types().get(planned.assessed_work_type_id) or caches.default_work_type()
    return caches.default_work_type()


def mark_what(lesson: Lesson) -> str:
    return _("Отметка за %(day)s") % {"day": lesson.date.strftime("%d.%m.%Y")}


def mark_window(lesson: Lesson, work_type: WorkType) -> windows.Window:
    return windows.mark_window(lesson=lesson, work_type=work_type, rules=caches.edit_window_rules())


def check_value(lesson: Lesson, value: int | None, passed: bool | None) -> None:
    if value is None and passed is None:
        raise ValidationError(_("Укажите отметку или «зачёт/незачёт»."))
    if value is not None:
        lowest = 1 if lesson.assignment.school_class.school.uses_mark_one else 2
        if not lowest <= value <= 5:
            raise ValidationError(
                _("Отметки «%(value)s» не существует: допустимы %(low)s–5.") % {"value": value, "low": lowest}
            )


def clean_weight(value, work_type: WorkType) -> Decimal:
    if value in (None, ""):
        return work_type.weight
    try:
        weight = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Вес «%(value)s» — не число.") % {"value": value}) from None
    if not weight.is_finite() or not Decimal("0") < weight <= Decimal("10"):
        raise ValidationError(_("Вес должен быть больше 0 и не больше 10."))
    return weight.quantize(Decimal("0.1"))


def _work_type(mark: Mark) -> WorkType:
    return caches.work_types().get(mark.work_type_id) or mark.work_type


def write_mark_create(
    write: JournalWrite, lesson: Lesson, student_id: int, *, value, passed=None, work_type, weight=None, comment=""
) -> Mark:
    check_value(lesson, value, passed)
    by, now = write.origin.by, write.origin.now()
    return write.change(
        kind=Kind.MARK,
        action=Action.CREATE,
        window=mark_window(lesson, work_type),
        what=mark_what(lesson),
        before=None,
        apply=lambda: Mark.objects.create(
            lesson=lesson,
            student_id=student_id,
            value=value,
            passed=passed if value is None else None,
            work_type=work_type,
            weight=clean_weight(weight, work_type),
            comment=comment,
            entered_by=by,
            entered_at=now,
            changed_by=by,
            changed_at=now,
        ),
        state=mark_state,
    )


def write_mark_update(write: JournalWrite, lesson: Lesson, mark: Mark, **changes) -> Mark:
    """Change a mark's value, pass, work type, weight or comment; a new work type brings its own weight."""
    old_type = _work_type(mark)
    changed = copy.copy(mark)
    for name, value in changes.items():
        setattr(changed, name, value)
    if "value" in changes and changed.value is not None:
        changed.passed = None
    new_type = _work_type(changed)
    if "weight" not in changes and changed.work_type_id != old_type.pk:
        changed.weight = new_type.weight
    changed.weight = clean_weight(changed.weight, new_type)
    if mark_state(changed) == mark_state(mark):
        return mark
    check_value(lesson, changed.value, changed.passed)

    def apply() -> Mark:
        # Both the old and the new kind of work must allow the change (a ВСОКО mark can't become a current
        # mark to escape its window, nor the other way round); the old one is checked by ``change``.
        if new_type.pk != old_type.pk:
            write.check(mark_window(lesson, new_type), Action.UPDATE, what=mark_what(lesson))
        changed.changed_by = write.origin.by
        changed.changed_at = write.origin.now()
        updated = Mark.objects.filter(pk=mark.pk, version=mark.version).update(
            value=changed.value,
            passed=changed.passed,
            work_type=changed.work_type_id,
            weight=changed.weight,
            comment=changed.comment,
            changed_by=changed.changed_by,
            changed_at=changed.changed_at,
            version=mark.version + 1,
        )
        if not updated:
            raise StaleWrite(_("Отметку только что изменил другой пользователь."), current=None)
        changed.version = mark.version + 1
        return changed

    return write.change(
        kind=Kind.MARK,
        action=Action.UPDATE,
        window=mark_window(lesson, old_type),
        what=mark_what(lesson),
        before=mark,
        apply=apply,
        state=mark_state,
    )


def write_mark_delete(write: JournalWrite, lesson: Lesson, mark: Mark) -> None:
    def apply() -> None:
        deleted, _rows = Mark.objects.filter(pk=mark.pk, version=mark.version).delete()
        if not deleted:
            raise StaleWrite(_("Отметку только что изменил другой пользователь."), current=None)

    write.change(
        kind=Kind.MARK,
        action=Action.DELETE,
        window=mark_window(lesson, _work_type(mark)),
        what=mark_what(lesson),
        before=mark,
        apply=apply,
        state=mark_state,
    )


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
    lesson = lesson_for_write(lesson)
    check_student(lesson, student.pk)
    with journal_write(origin) as write:
        return write_mark_create(
            write,
            lesson,
            student.pk,
            value=value,
            passed=passed,
            work_type=work_type or default_work_type(lesson),
            weight=weight,
            comment=comment,
        )


def mark_update(*, origin: Origin, mark: Mark, expected_version: int | None = None, **changes) -> Mark:
    """п. 3.3: a current mark is changed no later than 2 days after the lesson (ВСОКО, written works: 10)."""
    allowed = {"value", "passed", "work_type", "weight", "comment"}
    if set(changes) - allowed:
        raise ValidationError(_("Эти поля отметки не меняются."))
    with journal_write(origin) as write:
        current = Mark.objects.select_related("lesson").get(pk=mark.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleWrite(_("Отметку уже изменил другой пользователь."), current=current)
        lesson = lesson_for_write(current.lesson)
        if "work_type" in changes:
            changes["work_type_id"] = changes["work_type"].pk
        return write_mark_update(write, lesson, current, **changes)


def mark_delete(*, origin: Origin, mark: Mark, expected_version: int | None = None) -> None:
    """п. 3.3: a mark is deleted within the same window as it is changed."""
    with journal_write(origin) as write:
        current = Mark.objects.select_related("lesson").filter(pk=mark.pk).first()
        if current is None or (expected_version is not None and current.version != expected_version):
            raise StaleWrite(_("Отметку уже изменил или удалил другой пользователь."), current=current)
        write_mark_delete(write, lesson_for_write(current.lesson), current)
