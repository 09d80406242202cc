"""A file of teachers: each row is a teacher's account and card, and their teaching load in the listed classes.

The key: e-mail; without it, «Логин»; without both, surname + name + patronymic among the teachers. A row with
Предмет and Классы gives the teacher that subject in each listed class (one row per subject; several rows per
teacher).
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from journal.models import Role, StudentGroup, Teacher, TeachingAssignment, User

from .. import tables
from . import names
from .rows import (
    NAME_FIELDS,
    Context,
    RowRefused,
    RowResult,
    check_same_person,
    full_name,
    row_email,
    row_names,
    row_phone,
    user_by_email,
)

#: Columns: Фамилия, Имя, Отчество (or ФИО), E-mail, Телефон, Логин, Должность, Образование, Категория, Стаж,
#: Предметы, Классы, Подгруппа, Часов в неделю, Классный руководитель.
FIELDS = {
    **NAME_FIELDS,
    "login": ("логин",),
    "position": ("должность",),
    "education": ("образование",),
    "category": ("категория", "квалификационная категория"),
    "experience": ("стаж", "педагогический стаж", "стаж лет"),
    "subjects": ("предметы", "предмет"),
    "classes": ("классы", "класс"),
    "group": ("подгруппа", "группа"),
    "hours": ("часов в неделю", "часы", "часов", "нагрузка часов"),
    "class_teacher_of": ("классный руководитель", "классное руководство", "кл. руководитель"),
}
SIGNATURES = [["surname", "subjects"], ["fio", "subjects"], ["surname", "position"], ["fio", "position"]]

CATEGORIES = {
    "высшая": Teacher.Category.HIGHEST,
    "первая": Teacher.Category.FIRST,
    "соответствие": Teacher.Category.CONFORMITY,
    "соответствие занимаемой должности": Teacher.Category.CONFORMITY,
    "сзд": Teacher.Category.CONFORMITY,
    "без категории": Teacher.Category.NONE,
    "нет": Teacher.Category.NONE,
}


def _category(value: str) -> str | None:
    text = (value or "").strip().lower().replace(" категория", "")
    if not text:
        return None
    if text not in CATEGORIES:
        raise RowRefused(_("категория «%(v)s»: высшая, первая, соответствие или без категории") % {"v": value})
    return CATEGORIES[text]


def _find_teacher_user(surname, name, patronymic, email, login) -> User | None:
    found = user_by_email(email, surname, name, patronymic)
    if found is not None:
        return found
    if login:
        user = User.objects.filter(username__iexact=login).first()
        if user is not None:
            check_same_person(user, surname, name, patronymic, by=_("логин"))
            return user
    person = (surname, name, patronymic)
    teachers = [
        user
        for user in User.objects.filter(teacher__isnull=False).only("pk", "surname", "name", "patronymic")
        if names.same_person((user.surname, user.name, user.patronymic), person)
    ]
    if len(teachers) > 1:
        raise RowRefused(_("в журнале два учителя с этим ФИО: укажите e-mail, чтобы понять, о ком строка"))
    return User.objects.get(pk=teachers[0].pk) if teachers else None


def import_row(ctx: Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = row_names(row)
    result.person = full_name(surname, name, patronymic)
    email, phone, login = row_email(row), row_phone(row), row.get("login").strip()
    if login and not re.fullmatch(r"[\w.@+-]{1,150}", login):
        raise RowRefused(_("логин «%(v)s»: допустимы латинские буквы, цифры и . @ + - _") % {"v": login})
    category = _category(row.get("category"))
    try:
        experience = tables.parse_positive_int(row.get("experience"), label=_("Стаж"), maximum=70)
        hours = tables.parse_decimal(row.get("hours"), label=_("Часов в неделю"), default=Decimal("1"))
    except ValidationError as error:
        raise RowRefused(*error.messages) from None
    if hours is not None and hours > Decimal("40"):
        raise RowRefused(_("часов в неделю больше 40"))
    subjects = tables.split_list(row.get("subjects"))
    classes = tables.split_list(row.get("classes"))
    if classes and not subjects:
        raise RowRefused(_("для нагрузки в классах укажите предмет"))
    details = result.details
    user = _find_teacher_user(surname, name, patronymic, email, login)
    card_values = {
        "position": row.get("position")[:120],
        "education": row.get("education")[:255],
        "category": category,
        "experience_years": experience,
    }
    if user is None:
        if login and login.lower() in ctx.taken:
            raise RowRefused(_("логин %(l)s уже занят") % {"l": login})
        if login:
            ctx.taken.add(login.lower())
        user = ctx.new_user(
            surname=surname, name=name, patronymic=patronymic, email=email, phone=phone, role=Role.TEACHER, login=login
        )
        result.action = "create"
        details.append(_("новый учитель, логин %(login)s") % {"login": user.username})
    else:
        ctx.update_person(user, role=Role.TEACHER, patronymic=patronymic, email=email, phone=phone, result=result)
    teacher = Teacher.objects.filter(user=user).first()
    if teacher is None:
        teacher = Teacher.objects.create(
            user=user,
            school=ctx.school,
            position=card_values["position"] or "учитель",
            education=card_values["education"],
            category=card_values["category"] or "",
            experience_years=card_values["experience_years"],
        )
        if result.action != "create":
            result.action = "update"
            details.append(_("создаётся карточка учителя"))
    else:
        fields = []
        for attr, value in card_values.items():
            if value not in (None, "") and getattr(teacher, attr) != value:
                details.append(
                    f"{Teacher._meta.get_field(attr).verbose_name}: {getattr(teacher, attr) or '—'} → {value}"
                )
                setattr(teacher, attr, value)
                fields.append(attr)
        if fields:
            teacher.save(update_fields=fields)
            if result.action == "same":
                result.action = "update"
    subject_rows = [ctx.subject(s, details) for s in subjects]
    have = set(teacher.subjects.values_list("pk", flat=True))
    new_subjects = [s for s in subject_rows if s.pk not in have]
    if new_subjects:
        teacher.subjects.add(*new_subjects)
        if result.action == "same":
            result.action = "update"
        details.append(_("предметы: + %(list)s") % {"list": ", ".join(s.name for s in new_subjects)})
    group_name = row.get("group")[:60]
    for label in classes:
        school_class = ctx.school_class(label, details)
        group = None
        if group_name:
            group, created = StudentGroup.objects.get_or_create(school_class=school_class, name=group_name)
            if created:
                details.append(_("создаётся подгруппа %(cls)s «%(g)s»") % {"cls": school_class, "g": group_name})
        for subject in subject_rows:
            existing = (
                TeachingAssignment.objects.select_related("teacher")
                .filter(school_class=school_class, subject=subject, group=group)
                .first()
            )
            title = f"{school_class}{f' ({group_name})' if group else ''} · {subject.name}"
            if existing is not None and existing.teacher_id != user.pk:
                raise RowRefused(
                    _("нагрузка %(title)s уже закреплена за %(who)s: замену учителя вносят вручную")
                    % {"title": title, "who": existing.teacher.short_name}
                )
            if existing is None:
                TeachingAssignment.objects.create(
                    teacher=user, school_class=school_class, subject=subject, group=group, hours_per_week=hours
                )
                if result.action == "same":
                    result.action = "update"
                details.append(_("нагрузка: %(title)s, %(h)s ч в неделю") % {"title": title, "h": hours})
            elif row.get("hours") and existing.hours_per_week != hours:
                details.append(
                    _("нагрузка %(title)s: %(old)s → %(new)s ч в неделю")
                    % {"title": title, "old": existing.hours_per_week, "new": hours}
                )
                existing.hours_per_week = hours
                existing.save(update_fields=["hours_per_week"])
                if result.action == "same":
                    result.action = "update"
    if row.get("class_teacher_of"):
        led = ctx.school_class(row.get("class_teacher_of"), details)
        if led.class_teacher_id != user.pk:
            details.append(
                _("классный руководитель %(cls)s: %(old)s → %(new)s")
                % {
                    "cls": led,
                    "old": led.class_teacher.short_name if led.class_teacher else "—",
                    "new": user.short_name,
                }
            )
            led.class_teacher = user
            led.save(update_fields=["class_teacher"])
            if result.action == "same":
                result.action = "update"
        if not user.groups.filter(pk=ctx.roles[Role.CLASS_TEACHER].pk).exists():
            ctx.grant(user, Role.CLASS_TEACHER)
