"""The diary's week and marks as HTML, built with plain string joins (as ``journal.grid`` does for the journal).

The Django template engine spent most of these pages' time on their loops (a week of ~40 lessons, a period of
~100 marks: 36 and 53 ms of CPU on the bench machine, bench/results/profile-week.txt and profile-marks.txt);
strings joined here give the same markup as the templates did in a fraction of that. The page frame (header,
week navigation, period picker, legend) stays in the templates.

Every text that comes from the journal (subjects, names, topics, homework, comments, work types, request
numbers) is escaped here with ``html.escape``, so the views may mark the result safe. Translated strings and
dates are looked up once per page, not per lesson or mark.
"""

import datetime
from html import escape

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from journal.averages import average_text


class _Marks:
    """Per page: each mark's markup, with each work type's escaped name and code and each weight's label
    (``floatformat:"-1"``: «1», «1,5») computed once, and the late-change notes of раздел 4."""

    def __init__(self):
        self.weights: dict = {}
        self.work_types: dict[int, tuple[str, str]] = {}
        # templates/diary/partials/late_change_note.html: the request number and date, never the document.
        self.note_title = _(
            "Изменено после срока редактирования по заявлению № %(number)s (внесено %(day)s), раздел 4 положения"
        )
        self.note_text = _("изм. по заявл. № %(number)s")

    def note(self, note) -> str:
        """``<sup>`` between newlines for a note, a bare newline for none (the whitespace of the partial)."""
        if not note:
            return "\n"
        title = escape(self.note_title % {"number": note.number, "day": f"{note.applied_on:%d.%m.%Y}"})
        text = escape(self.note_text % {"number": note.number})
        return f'\n<sup class="late-change-note" title="{title}">{text}</sup>\n'

    def __call__(self, mark) -> tuple[str, str, str, str]:
        """One mark as ``(badge, work type name, weight, comment)``, escaped.

        The badge (the markup of the former partial diary/partials/mark.html) ends with its late-change note
        and a newline.
        """
        work_type = self.work_types.get(mark.work_type_id)
        if work_type is None:
            work_type = self.work_types[mark.work_type_id] = (escape(mark.work_type.name), escape(mark.work_type.code))
        name, code = work_type
        weight = self.weights.get(mark.weight)
        if weight is None:
            weight = self.weights[mark.weight] = str(floatformat(mark.weight, "-1"))
        comment = escape(mark.comment) if mark.comment else ""
        title = f"{name}, {weight}: {comment}" if comment else f"{name}, {weight}"
        badge = (
            f'<span class="dl-mark w{mark.work_type_id}" title="{title}">{escape(mark.display)}<sub>{code}</sub></span>'
        )
        late_change = getattr(mark, "late_change", None)
        if late_change:
            badge += self.note(late_change)
        return badge + "\n", name, weight, comment


# ---------------------------------------------------------------------------------------------- week


def week_html(*, days, student, today: datetime.date) -> str:
    """The days of ``diary.selectors.lessons_for_week`` as cards of lessons, as templates/diary/week.html had them.

    Each lesson needs ``diary_marks`` (their ``late_change`` set or absent), ``bell_starts``, ``bell_ends``,
    ``absence`` and ``homework_filename``, and its assignment's subject and teacher and its substitute loaded.
    """
    today_badge = f' <span class="badge text-bg-primary">{escape(_("сегодня"))}</span>'
    substitute_label = escape(_("замена"))
    room_label = escape(_("каб."))
    attendance_label = escape(_("Посещаемость"))
    not_held = f'\n      <div class="small">{escape(_("Урок не проведён"))}</div>'
    topic_label = f'<span class="text-muted">{escape(_("Тема:"))}</span>'
    homework_label = f'<span class="text-muted">{escape(_("Домашнее задание:"))}</span>'
    file_label = escape(_("файл"))
    weight_label = escape(_("вес"))
    no_lessons = f'\n  <p class="card-body small text-muted mb-0">{escape(_("Уроков нет"))}</p>'
    render_mark = _Marks()

    parts = []
    for day in days:
        is_today = day.date == today
        parts.append(
            f'\n<section class="card mb-2{" border-primary" if is_today else ""}">\n'
            f'  <h2 class="card-header h6 mb-0">{escape(dateformat.format(day.date, "l, j E"))}'
            f"{today_badge if is_today else ''}</h2>"
        )
        if not day.lessons:
            parts.append(no_lessons)
            parts.append("\n</section>")
            continue
        parts.append('\n  <ol class="list-group list-group-flush dl-lessons">')
        for lesson in day.lessons:
            assignment = lesson.assignment
            info = []
            if lesson.bell_starts:
                info.append(f"{lesson.bell_starts:%H:%M}–{lesson.bell_ends:%H:%M} · ")
            info.append(escape(assignment.teacher.short_name))
            if lesson.substitute:
                info.append(f" · {substitute_label}: {escape(lesson.substitute.short_name)}")
            if lesson.room:
                info.append(f" · {room_label} {escape(lesson.room)}")
            absence = (
                f'\n        <span class="dl-abs" title="{attendance_label}">{escape(lesson.absence)}</span>'
                if lesson.absence
                else ""
            )
            parts.append(
                f'\n    <li class="list-group-item{"" if lesson.is_held else " text-muted"}">\n'
                '      <div class="dl-line">\n'
                f'        <span class="dl-num">{lesson.number}</span>\n'
                '        <div class="dl-main">\n'
                f"          <strong>{escape(assignment.subject.name)}</strong>\n"
                f'          <div class="small text-muted">{"".join(info)}</div>\n'
                f"        </div>{absence}\n"
                "      </div>"
            )
            if not lesson.is_held:
                parts.append(not_held)
            if lesson.topic:
                parts.append(f'\n      <div class="small">{topic_label} {escape(lesson.topic)}</div>')
            if lesson.homework or lesson.homework_filename:
                # linebreaksbr: \r\n and \r become \n, then the escaped text breaks at each \n.
                homework = escape(normalize_newlines(lesson.homework)).replace("\n", "<br>")
                if lesson.homework_filename:
                    homework += (
                        f' <a href="{escape(reverse("diary:homework", args=[student.pk, lesson.pk]))}" download>'
                        f"{file_label}: {escape(lesson.homework_filename)}</a>"
                    )
                parts.append(f'\n      <div class="small dl-hw">{homework_label} {homework}</div>')
            for mark in lesson.diary_marks:
                badge, name, weight, comment = render_mark(mark)
                parts.append(
                    f'\n      <div class="small dl-markline">{badge} {name}, {weight_label} {weight}'
                    f"{f' — {comment}' if comment else ''}</div>"
                )
            parts.append("\n    </li>")
        parts.append("\n  </ol>\n</section>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------- marks


def marks_html(*, rows, period) -> str:
    """The subjects of ``diary.selectors.marks_for_period`` with their marks, averages, period and year marks.

    The ``<ul>`` of templates/diary/marks.html. Each row may carry ``period_late_change`` and
    ``year_late_change`` (notes or ``None``), each mark ``late_change``; marks need their work type and ``lesson_date``.
    """
    if not rows:
        return (
            '<ul class="list-group mb-3 dl-subjects">\n'
            f'  <li class="list-group-item text-muted">{escape(_("Предметов нет."))}</li>\n'
            "</ul>"
        )
    average_label = escape(_("средний"))
    no_marks = f'<span class="small text-muted">{escape(_("отметок нет"))}</span>'
    period_label = "" if period.is_final else f"{escape(_capfirst(period.get_kind_display()))}: "
    year_label = escape(_("Год"))
    why_label = escape(_("За что"))
    weight_label = escape(_("вес"))
    render_mark = _Marks()

    parts = ['<ul class="list-group mb-3 dl-subjects">']
    for row in rows:
        average = row.average
        badges, reasons = [], []
        for mark in row.marks:
            badge, name, weight, comment = render_mark(mark)
            badges.append(badge)
            reasons.append(
                f"<li>{mark.lesson_date:%d.%m} — <b>{escape(mark.display)}</b>, {name}, {weight_label} {weight}"
                f"{f': {comment}' if comment else ''}</li>"
            )
        if period_label:
            period_mark = (
                f'{period_label}<b class="dl-period-mark">{escape(row.period_mark or "—")}</b>'
                f"{render_mark.note(getattr(row, 'period_late_change', None))} · "
            )
        else:
            period_mark = ""
        parts.append(
            '\n  <li class="list-group-item">\n'
            '    <div class="d-flex justify-content-between align-items-baseline gap-2">\n'
            f"      <strong>{escape(row.subject.name)}</strong>\n"
            f'      <span class="small text-nowrap">{average_label} <b class="dl-avg">'
            f"{average_text(average) or '—'}</b></span>\n"
            "    </div>\n"
            f'    <div class="dl-marks my-1">{"".join(badges) or no_marks}</div>\n'
            '    <div class="small">\n'
            f'      {period_mark}{year_label}: <b class="dl-year-mark">{escape(row.year_mark or "—")}</b>'
            f"{render_mark.note(getattr(row, 'year_late_change', None))}\n"
            "    </div>"
        )
        if reasons:
            parts.append(
                '\n    <details class="small mt-1">\n'
                f"      <summary>{why_label}</summary>\n"
                '      <ul class="list-unstyled mb-0 mt-1">\n'
                f"        {''.join(reasons)}\n"
                "      </ul>\n"
                "    </details>"
            )
        # The blank line after each subject, as the template loop left it (diary tests cut the page there).
        parts.append("\n  </li>\n  ")
    parts.append("\n</ul>")
    return "".join(parts)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]
