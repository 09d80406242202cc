"""A lesson's place in the timetable: added by hand, moved, cancelled or restored, substituted, generated, removed.

Where a lesson may stand — inside a study period, not on a holiday, not over another lesson of the class — is
the timetable's rule, kept by the onboarding app: it checks the place (``check_place``) and calls these
services. What they keep is the journal's own rule and record: a lesson with marks or attendance keeps its
date and stays held, a lesson something hangs on is never removed, and every change is a history entry of
kind «урок» (``lesson_state``), chained like the marks'.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .. import pagecache
from ..models import Attendance, HistoryEntry, Lesson, LessonAdjustment, Mark, Role, TeachingAssignment, User
from ..states import lesson_state
from .base import Action, JournalWrite, Kind, Origin, journal_write


def _has_entries(lesson: Lesson) -> bool:
    return (
        Mark.objects.filter(lesson=lesson).exists()
        or Attendance.objects.filter(lesson=lesson).exists()
        or lesson.attendance_checked_at is not None
    )


def _update(write: JournalWrite, current: Lesson, **fields) -> None:
    """Write ``fields`` of a locked lesson, and its place before and after in the history (kind «урок»)."""
    old = lesson_state(current)
    for name, value in fields.items():
        setattr(current, name, value)
    Lesson.objects.filter(pk=current.pk).update(**fields)
    write.log(Kind.LESSON, Action.UPDATE, current, old=old, new=lesson_state(current))


def lesson_add(
    *,
    origin: Origin,
    assignment: TeachingAssignment,
    date: datetime.date,
    number: int,
    room: str = "",
    check_place: Callable[[], None] | None = None,
) -> Lesson:
    """A lesson beyond the timetable (a make-up or an extra lesson), marked as added by hand.

    ``check_place`` refuses a place the timetable does not allow; it runs inside the write, after the lock.
    """
    with journal_write(origin) as write:
        if check_place is not None:
            check_place()
        try:
            with transaction.atomic():
                lesson = Lesson.objects.create(
                    assignment=assignment, date=date, number=number, room=(room or "").strip()[:16], is_held=True
                )
        except IntegrityError:
            raise ValidationError(_("Урок не добавлен: дата вне учебного года или урок уже есть.")) from None
        LessonAdjustment.objects.create(lesson=lesson, kind=LessonAdjustment.Kind.ADDED, by=origin.by)
        write.log(Kind.LESSON, Action.CREATE, lesson, old=None, new=lesson_state(lesson))
    return lesson


def lesson_move(
    *,
    origin: Origin,
    lesson: Lesson,
    date: datetime.date,
    number: int,
    room: str | None = None,
    check_place: Callable[[Lesson], None] | None = None,
) -> Lesson:
    """Move a lesson to another date or lesson number.

    п. 3.3: a lesson with marks or attendance is not moved: its date decides their edit windows, so moving
    it would reopen or shorten them; such a correction goes through a late-change request (раздел 4).
    ``check_place`` gets the lesson as it stands (locked) and refuses a place the timetable does not allow.
    """
    with journal_write(origin) as write:
        current = (
            Lesson.objects.select_for_update(of=("self",))
            .select_related("assignment__school_class__year", "assignment__group")
            .get(pk=lesson.pk)
        )
        if _has_entries(current):
            raise ValidationError(
                _(
                    "На уроке уже есть отметки или посещаемость: перенос изменил бы сроки их редактирования "
                    "(п. 3.3). Исправление — через заявление (раздел 4)."
                )
            )
        if check_place is not None:
            check_place(current)
        adjustment = LessonAdjustment.objects.filter(lesson=current).first()
        if adjustment is None:
            LessonAdjustment.objects.create(
                lesson=current,
                kind=LessonAdjustment.Kind.MOVED,
                original_date=current.date,
                original_number=current.number,
                by=origin.by,
            )
        elif (
            adjustment.kind == LessonAdjustment.Kind.MOVED
            and adjustment.original_date == date
            and adjustment.original_number == number
        ):
            adjustment.delete()  # back in its timetable place: an ordinary generated lesson again
        room = current.room if room is None else room.strip()[:16]
        try:
            with transaction.atomic():
                _update(write, current, date=date, number=number, room=room)
        except IntegrityError:
            raise ValidationError(_("Урок не перенесён: дата вне учебного года или место занято.")) from None
    lesson.date, lesson.number, lesson.room = current.date, current.number, current.room
    return lesson


def lesson_set_held(*, origin: Origin, lesson: Lesson, held: bool) -> Lesson:
    """Cancel a lesson (``held=False``) or restore it.

    п. 3.3: a lesson with marks or attendance is not cancelled (its entries would lose their lesson).
    """
    with journal_write(origin) as write:
        current = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if current.is_held == held:
            return current
        if not held and _has_entries(current):
            raise ValidationError(_("На уроке уже есть отметки или посещаемость: отменить его нельзя."))
        _update(write, current, is_held=held)
    lesson.is_held = held
    return lesson


def lesson_substitute(*, origin: Origin, lesson: Lesson, teacher: User | None) -> Lesson:
    """Замена: ``teacher`` conducts this lesson and may fill it in the journal (``None`` cancels the substitution)."""
    with journal_write(origin) as write:
        current = Lesson.objects.select_for_update().select_related("assignment").get(pk=lesson.pk)
        if teacher is not None:
            if teacher.pk == current.assignment.teacher_id:
                raise ValidationError(_("Это учитель самого урока — замена не нужна."))
            if not teacher.groups.filter(name__in=[Role.TEACHER.value, Role.CLASS_TEACHER.value]).exists():
                raise ValidationError(_("Заменять урок может только учитель."))
        new_id = teacher.pk if teacher else None
        if current.substitute_id == new_id:
            return current
        _update(write, current, substitute_id=new_id)
    lesson.substitute_id = new_id
    return lesson


def lessons_create_many(*, origin: Origin, lessons: list[Lesson]) -> list[Lesson]:
    """Lessons generated from the timetable, in bulk (п. 3.3: the journal's lessons follow the timetable).

    Each gets its history entry (kind «урок»: its date, number and assignment, which ``verify_journal``
    compares). ``bulk_create`` sends no signals, so every cached page is retired here.
    """
    if not lessons:
        return []
    with journal_write(origin) as write:
        created = Lesson.objects.bulk_create(lessons, batch_size=1000)
        for lesson in created:
            write.log(Kind.LESSON, Action.CREATE, lesson, old=None, new=lesson_state(lesson))
        pagecache.everything_changed()
    return created


def lessons_delete_many(*, origin: Origin, lessons: list[Lesson]) -> list[Lesson]:
    """Remove the lessons nothing hangs on; returns the removed ones, each recorded in the history (kind «урок»).

    «Nothing in the journal is ever lost»: a lesson with a topic, homework, a substitute, an attendance check, a
    hand-made change, marks, attendance or any history entry is kept, whatever the caller planned.
    """
    if not lessons:
        return []
    with journal_write(origin) as write:
        safe = (
            Lesson.objects.filter(
                pk__in=[lesson.pk for lesson in lessons],
                topic="",
                homework="",
                homework_file="",
                substitute__isnull=True,
            )
            .filter(attendance_checked_at__isnull=True, adjustment__isnull=True)
            .exclude(Exists(Mark.objects.filter(lesson=OuterRef("pk"))))
            .exclude(Exists(Attendance.objects.filter(lesson=OuterRef("pk"))))
            # Its own place in the history (kind «урок») does not count: entries of the journal do.
            .exclude(Exists(HistoryEntry.objects.filter(lesson_id=OuterRef("pk")).exclude(kind=Kind.LESSON)))
        )
        safe_ids = set(safe.values_list("pk", flat=True))
        removed = [lesson for lesson in lessons if lesson.pk in safe_ids]
        for lesson in removed:
            write.log(Kind.LESSON, Action.DELETE, lesson, old=lesson_state(lesson), new=None)
        Lesson.objects.filter(pk__in=safe_ids).delete()
    return removed
