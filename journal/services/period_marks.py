"""Period and year marks (промежуточная аттестация): п. 3.3 — entered by the «срок по приказу» of the period,
changed no later than 7 days after its end."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import caches, windows
from ..models import PeriodMark, Student, StudyPeriod, Subject
from ..states import period_mark_state
from .base import Action, Kind, Origin, StaleWrite, journal_write, record_refusal

ALIASES = {"на": "н/а", "н/a": "н/а", "h/a": "н/а", "зачет": "зач", "зачёт": "зач", "незачет": "незач"}


def clean_period_value(value: str) -> str:
    """«Н/А», «зачёт», «5.» → the stored value; anything else is refused with the list of what is allowed."""
    value = (value or "").strip().lower().replace(".", "")
    value = ALIASES.get(value, value)
    if value and value not in PeriodMark.Value.values:
        raise ValidationError(
            _("Отметки за период «%(value)s» не существует: допустимы 5, 4, 3, 2, н/а, осв, зач, незач.")
            % {"value": value[:10]}
        )
    return value


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
    value = clean_period_value(value)
    school_class = student.school_class
    if period.kind not in (school_class.period_kind, StudyPeriod.Kind.YEAR):
        raise ValidationError(_("Для %(cls)s класса этот учебный период не применяется.") % {"cls": school_class})
    if period.year_id != school_class.year_id:
        raise ValidationError(_("Период относится к другому учебному году."))
    what = _("Отметка за период «%(period)s»") % {"period": period}
    window = windows.period_mark_window(period=period, grade=school_class.grade, rules=caches.edit_window_rules())
    with journal_write(origin) as write:
        current = PeriodMark.objects.filter(student=student, subject=subject, period=period).first()
        shown = current.value if current else ""
        if expected is None or shown == expected:
            by, now = origin.by, origin.now()
            if current is None and value:
                return write.change(
                    kind=Kind.PERIOD_MARK,
                    action=Action.CREATE,
                    window=window,
                    what=what,
                    before=None,
                    apply=lambda: PeriodMark.objects.create(
                        student=student,
                        subject=subject,
                        period=period,
                        value=value,
                        entered_by=by,
                        entered_at=now,
                        changed_by=by,
                        changed_at=now,
                    ),
                    state=period_mark_state,
                )
            if current is not None and not value:

                def delete() -> None:
                    PeriodMark.objects.filter(pk=current.pk).delete()

                return write.change(
                    kind=Kind.PERIOD_MARK,
                    action=Action.DELETE,
                    window=window,
                    what=what,
                    before=current,
                    apply=delete,
                    state=period_mark_state,
                )
            if current is not None and current.value != value:

                def update() -> PeriodMark:
                    PeriodMark.objects.filter(pk=current.pk).update(
                        value=value, changed_by=by, changed_at=now, version=current.version + 1
                    )
                    return PeriodMark(
                        pk=current.pk,
                        student_id=current.student_id,
                        subject_id=current.subject_id,
                        period_id=current.period_id,
                        value=value,
                        version=current.version + 1,
                    )

                return write.change(
                    kind=Kind.PERIOD_MARK,
                    action=Action.UPDATE,
                    window=window,
                    what=what,
                    before=current,
                    apply=update,
                    state=period_mark_state,
                )
            return current
        if shown == value:
            return current  # a double submit
    record_refusal(
        origin,
        kind=Kind.PERIOD_MARK,
        lesson_id=None,
        student_id=student.pk,
        object_id=current.pk if current else None,
        current={"value": shown},
        attempted={"value": value},
    )
    raise StaleWrite(
        _("Отметку за период уже изменил другой пользователь: сейчас «%(now)s».") % {"now": shown or _("пусто")},
        current=current,
    )
