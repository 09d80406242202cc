"""The marks grid's table as HTML, built with plain string joins.

A 30 × 60 grid has 1,800 cells; the Django template engine takes ~20 ms for that, string joins ~1 ms
(issue 7's measurement). The markup is compact on purpose (the peer sends 873 KB for the same grid):
column facts live once on the header cell, a cell carries only its token and content, and the optional
``</td>`` is left out.
"""

from html import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from journal.windows import SCHOOL_TZ

from .averages import average_text
from .selectors import Grid, GridLesson
from .services import cell_token


def _day(value) -> str:
    return timezone.localtime(value, SCHOOL_TZ).strftime("%d.%m") if value else "—"


def _lesson_header(column: GridLesson) -> str:
    lesson = column.lesson
    flags = (
        ("m" if column.mark_open else "")
        + ("c" if column.change_open else "")
        + ("a" if column.attendance_open else "")
    )
    title = [
        lesson.topic or _("Тема не указана"),
        _("Отметки: внести до %(c)s, изменить до %(u)s; посещаемость до %(a)s")
        % {
            "c": _day(column.mark_create_until),
            "u": _day(column.mark_change_until),
            "a": _day(column.attendance_until),
        },
    ]
    if lesson.homework:
        title.append(_("ДЗ: %(hw)s") % {"hw": lesson.homework[:200]})
    classes = []
    if not lesson.topic and lesson.is_held:
        classes.append("nt")
    if not lesson.is_held:
        classes.append("nh")
    if lesson.attendance_checked_at is None:
        classes.append("na")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return (
        f'<th data-l="{lesson.pk}" data-f="{flags}"{cls} title="{escape(chr(10).join(title))}">'
        f"{lesson.date:%d}<small>.{lesson.date:%m}</small></th>"
    )


def render_grid(grid: Grid) -> str:
    types = grid.work_types
    parts = ['<table class="jg" id="grid">', "<colgroup><col>"]
    for column in grid.lessons:
        closed = not (column.mark_open or column.change_open or column.attendance_open)
        parts.append('<col class="lk">' if closed else "<col>")
    parts.append('<col><col class="pmc"></colgroup><thead><tr><th class="st">')
    parts.append(escape(_("Ученик")))
    parts.append("</th>")
    parts.extend(_lesson_header(column) for column in grid.lessons)
    pm_flags = "p" if grid.period_mark_open else ""
    parts.append(f'<th class="avg" title="{escape(_("Средневзвешенный балл за период"))}">{escape(_("Ср."))}</th>')
    parts.append(
        f'<th class="pm" data-f="{pm_flags}" title="{escape(_("Отметка за период; выставить до %(d)s") % {"d": _day(grid.period_mark_until)})}">'
        f"{escape(_('Итог'))}</th></tr></thead><tbody>"
    )
    lesson_ids = [column.lesson.pk for column in grid.lessons]
    for row in grid.rows:
        user = row.student.user
        name = escape(f"{user.surname} {user.name}")
        parts.append(f'<tr data-s="{row.student.pk}"><th>{row.number}. {name}')
        cells = row.cells
        for lesson_id in lesson_ids:
            cell = cells.get(lesson_id)
            if cell is None:
                parts.append("<td>")
                continue
            marks, attendance = cell
            token = cell_token([(m[0], m[1]) for m in marks], (attendance[0], attendance[1]) if attendance else None)
            content = []
            for mark in marks:
                shown = str(mark[4]) if mark[4] is not None else ("зач" if mark[5] else "нз")
                work_type = types.get(mark[6])
                code = f"<sup>{escape(work_type.code)}</sup>" if work_type and not work_type.is_default else ""
                content.append(f'<i class="w{mark[6]}">{shown}{code}</i>')
            if attendance:
                content.append(f"<b>{attendance[4]}</b>")
            parts.append(f'<td data-k="{token}">{"".join(content)}')
        parts.append(f'<td class="avg">{average_text(row.average)}')
        if row.period_mark:
            version, value = row.period_mark
            parts.append(f'<td class="pm" data-k="{escape(value)}">{escape(value)}')
        else:
            parts.append('<td class="pm" data-k="">')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def render_cell_content(state, work_types) -> str:
    """One cell's inner HTML after a save (same markup as ``render_grid``)."""
    content = []
    for mark in state.marks:
        work_type = work_types.get(mark.work_type_id)
        code = f"<sup>{escape(work_type.code)}</sup>" if work_type and not work_type.is_default else ""
        content.append(
            f'<i class="w{mark.work_type_id}">{escape(mark.display if mark.value else ("зач" if mark.passed else "нз"))}{code}</i>'
        )
    if state.attendance:
        content.append(f"<b>{state.attendance.code}</b>")
    return "".join(content)
