"""Attendance (посещаемость): Н, Б, У, ОП; no row means present. п. 3.3: entered and changed within 2 days."""

from django.core.exceptions import ValidationError
from django.db.models import FilteredRelation, Q
from django.utils.translation import gettext as _

from .. import caches, pagecache, windows
from ..models import Attendance, Lesson, Student
from ..states import attendance_state
from .base import Action, JournalWrite, Kind, Origin, journal_write
from .marks import lesson_for_write

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


def attendance_of(lesson: Lesson, student_id: int) -> Attendance | None:
    """The student's attendance row of the lesson, if the lesson's assignment teaches them — in one query.

    A foreign student (another class or group, or left the school) is refused with ``ValidationError``.
    """
    rows = list(
        Student.objects.of_assignment(lesson.assignment)
        .order_by()
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


def attendance_what(lesson: Lesson) -> str:
    return _("Посещаемость за %(day)s") % {"day": lesson.date.strftime("%d.%m.%Y")}


def attendance_window(lesson: Lesson) -> windows.Window:
    return windows.attendance_window(lesson=lesson, rules=caches.edit_window_rules())


def write_attendance(
    write: JournalWrite,
    lesson: Lesson,
    student_id: int,
    current: Attendance | None,
    code: str,
    window: windows.Window | None = None,
) -> Attendance | None:
    """Set one student's code on a lesson («» = present). ``window``: the lesson's, if the caller has it."""
    if (current.code if current else "") == code:
        return current
    window = window or attendance_window(lesson)
    by, now = write.origin.by, write.origin.now()
    what = attendance_what(lesson)
    if current is None:
        return write.change(
            kind=Kind.ATTENDANCE,
            action=Action.CREATE,
            window=window,
            what=what,
            before=None,
            apply=lambda: Attendance.objects.create(
                lesson=lesson,
                student_id=student_id,
                code=code,
                entered_by=by,
                entered_at=now,
                changed_by=by,
                changed_at=now,
            ),
            state=attendance_state,
        )
    if not code:

        def delete() -> None:
            Attendance.objects.filter(pk=current.pk).delete()

        return write.change(
            kind=Kind.ATTENDANCE,
            action=Action.DELETE,
            window=window,
            what=what,
            before=current,
            apply=delete,
            state=attendance_state,
        )

    def update() -> Attendance:
        Attendance.objects.filter(pk=current.pk).update(
            code=code, changed_by=by, changed_at=now, version=current.version + 1
        )
        changed = Attendance(
            pk=current.pk, lesson=lesson, student_id=student_id, code=code, version=current.version + 1
        )
        changed.changed_at = now
        return changed

    return write.change(
        kind=Kind.ATTENDANCE,
        action=Action.UPDATE,
        window=window,
        what=what,
        before=current,
        apply=update,
        state=attendance_state,
    )


def attendance_set(*, origin: Origin, lesson: Lesson, student: Student, code: str) -> Attendance | None:
    """п. 3.3: attendance is entered and changed no later than 2 days after the lesson. «» = present."""
    lesson = lesson_for_write(lesson)
    code = attendance_code(code) if code else ""
    with journal_write(origin) as write:
        current = attendance_of(lesson, student.pk)
        return write_attendance(write, lesson, student.pk, current, code)


def lesson_attendance_save(*, origin: Origin, lesson: Lesson, codes: dict[int, str]) -> dict[int, Attendance]:
    """The attendance of a whole lesson in one go: ``codes`` maps student id → code («» = present).

    Students not named are present. Marks the lesson's attendance as taken. п. 3.3: within 2 days.
    """
    lesson = lesson_for_write(lesson)
    student_ids = sorted(Student.objects.of_assignment(lesson.assignment).order_by().values_list("pk", flat=True))
    known = set(student_ids)
    wanted = {}
    for student_id, code in codes.items():
        if int(student_id) not in known:
            raise ValidationError(_("Ученик с номером %(id)s не учится в этом классе.") % {"id": student_id})
        wanted[int(student_id)] = attendance_code(code) if code else ""
    # The window depends on the lesson only: computed once for all its students.
    window = attendance_window(lesson)
    what = attendance_what(lesson)
    with journal_write(origin) as write:
        # Taking attendance is itself an entry of the lesson: refused outside its window even if nothing else
        # changes.
        write.check(window, Action.CREATE, what=what)
        current = {a.student_id: a for a in Attendance.objects.filter(lesson_id=lesson.pk)}
        now = origin.now()
        creates, deletes, result = [], [], {}
        for student_id in student_ids:
            code = wanted.get(student_id, "")
            existing = current.get(student_id)
            if existing and existing.code == code:
                result[student_id] = existing
            elif existing and code:
                result[student_id] = write_attendance(write, lesson, student_id, existing, code, window)
            elif existing:
                write.check(window, Action.DELETE, what=what)
                deletes.append(existing)
            elif code:
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
        # The whole class at once: one DELETE and one INSERT, each row with its history entry.
        if deletes:
            Attendance.objects.filter(pk__in=[a.pk for a in deletes]).delete()
            for a in deletes:
                write.log(Kind.ATTENDANCE, Action.DELETE, a, old=attendance_state(a), new=None)
        if creates:
            Attendance.objects.bulk_create(creates)
            for a in creates:
                result[a.student_id] = a
                write.log(Kind.ATTENDANCE, Action.CREATE, a, old=None, new=attendance_state(a))
        if lesson.attendance_checked_at is None and not write.pending:
            # «All present» the first time: no entry changes, but the grid stops marking the lesson unchecked.
            pagecache.classes_changed([lesson.assignment.school_class_id])
        Lesson.objects.filter(pk=lesson.pk).update(attendance_checked_at=now)
        lesson.attendance_checked_at = now
    return result
