"""A file of parents: each row is a parent's account and their guardianship of a child, as an application.

The key: e-mail; without it, phone; without both, surname + name + patronymic among the child's guardians.
The child: «№ личного дела», or the child's full name + class. A guardianship is created «заявление подано»:
the diary opens only when the application is approved (``guardianships``).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import Guardianship, Role, Student, User

from .. import tables
from . import names
from .rows import (
    NAME_FIELDS,
    Context,
    RowRefused,
    RowResult,
    check_same_person,
    full_name,
    phone_digits,
    row_date,
    row_email,
    row_names,
    row_phone,
    user_by_email,
)

#: Columns: Фамилия, Имя, Отчество (or ФИО), Телефон, E-mail, Кем приходится, № личного дела ребёнка (or ФИО
#: ребёнка + Класс), № заявления, Дата заявления.
FIELDS = {
    **NAME_FIELDS,
    "fio": (*NAME_FIELDS["fio"], "фио родителя", "родитель", "законный представитель", "фио представителя"),
    "kind": ("кем приходится", "степень родства", "родство", "представитель"),
    # Not a bare «№ личного дела»: that is the students' file.
    "child_record": (
        "№ личного дела ребенка",
        "номер личного дела ребенка",
        "личное дело ребенка",
        "№ личного дела ученика",
        "№ личного дела обучающегося",
    ),
    "child_fio": ("фио ребенка", "ребенок", "ученик", "обучающийся", "фио ученика", "фио обучающегося"),
    "child_class": ("класс", "класс ребенка"),
    "application_number": ("№ заявления", "номер заявления", "заявление №", "заявление"),
    "application_date": ("дата заявления",),
}
SIGNATURES = [["surname", "child_record"], ["fio", "child_record"], ["surname", "child_fio"], ["fio", "child_fio"]]

KINDS = {
    "мать": Guardianship.Kind.MOTHER,
    "мама": Guardianship.Kind.MOTHER,
    "отец": Guardianship.Kind.FATHER,
    "папа": Guardianship.Kind.FATHER,
    "опекун": Guardianship.Kind.GUARDIAN,
    "попечитель": Guardianship.Kind.GUARDIAN,
    "опекун (попечитель)": Guardianship.Kind.GUARDIAN,
    "иной законный представитель": Guardianship.Kind.OTHER,
    "законный представитель": Guardianship.Kind.OTHER,
    "другое": Guardianship.Kind.OTHER,
}


def _kind(value: str, patronymic: str) -> str:
    text = (value or "").strip().lower()
    if text:
        if text not in KINDS:
            raise RowRefused(
                _("«%(v)s»: кем приходится — мать, отец, опекун или законный представитель") % {"v": value}
            )
        return KINDS[text]
    if patronymic.endswith(("вна", "чна", "кызы")):
        return Guardianship.Kind.MOTHER
    if patronymic.endswith(("вич", "ич", "оглы")):
        return Guardianship.Kind.FATHER
    return Guardianship.Kind.OTHER


def _no_students_yet() -> bool:
    return not Student.objects.exists()


def _find_child(ctx: Context, row: tables.Row) -> Student:
    record = row.get("child_record")
    if record:
        child = Student.objects.select_related("user", "school_class").filter(record_number=record).first()
        if child is None:
            if _no_students_yet():
                raise RowRefused(_("в журнале ещё нет учеников: сначала загрузите файл учеников, потом родителей"))
            raise RowRefused(
                _("ученика с личным делом %(n)s нет в журнале: проверьте номер (он как в файле учеников)")
                % {"n": record}
            )
        return child
    wanted = names.split_fio(row.get("child_fio"))
    if not wanted[1] or not row.get("child_class"):
        raise RowRefused(_("укажите № личного дела ребёнка или его фамилию, имя и класс («ФИО ребёнка», «Класс»)"))
    try:
        grade, letter = tables.parse_class_label(row.get("child_class"))
    except ValidationError as error:
        raise RowRefused(*error.messages) from None
    roster = list(
        Student.objects.select_related("user", "school_class").filter(
            school_class__grade=grade, school_class__letter=letter, school_class__year=ctx.year
        )
    )
    children = [c for c in roster if names.same_person((c.user.surname, c.user.name, c.user.patronymic), wanted)]
    label = " ".join(p for p in wanted if p)
    if not children:
        if not roster:
            raise RowRefused(
                _("в %(cls)s классе %(year)s нет ни одного ученика: сначала загрузите файл учеников")
                % {"cls": f"{grade}{letter}", "year": ctx.year}
            )
        near = [
            c.user.full_name
            for c in roster
            if names.name_key(c.user.surname) in (names.name_key(wanted[0]), names.name_key(wanted[1]))
        ]
        raise RowRefused(
            _("в %(cls)s нет ученика «%(fio)s»: %(hint)s")
            % {
                "cls": f"{grade}{letter}",
                "fio": label,
                "hint": _("есть %(list)s — исправьте ФИО ребёнка как в списке класса") % {"list": ", ".join(near)}
                if near
                else _("проверьте фамилию, имя и класс или укажите № личного дела ребёнка"),
            }
        )
    if len(children) > 1:
        raise RowRefused(_("в классе два ученика «%(fio)s»: укажите № личного дела ребёнка") % {"fio": label})
    return children[0]


def _find_parent(ctx: Context, child: Student, surname, name, patronymic, email, phone) -> User | None:
    found = user_by_email(email, surname, name, patronymic)
    if found is not None:
        return found
    person = (surname, name, patronymic)
    if phone and phone_digits(phone):
        ids = ctx.users_by_phone(phone)
        users = [
            u for u in User.objects.filter(pk__in=ids) if names.same_person((u.surname, u.name, u.patronymic), person)
        ]
        if len(users) > 1:
            raise RowRefused(_("телефон %(p)s указан у нескольких пользователей с этим именем") % {"p": phone})
        if users:
            return users[0]
        if ids and not email:
            other = User.objects.filter(pk__in=ids).first()
            check_same_person(other, surname, name, patronymic, by=_("телефон"))
    # By name among the child's guardians (a parent re-imported without contacts).
    guardians = [
        g.parent
        for g in Guardianship.objects.filter(student=child).select_related("parent")
        if names.same_person((g.parent.surname, g.parent.name, g.parent.patronymic), person)
    ]
    return guardians[0] if guardians else None


def import_row(ctx: Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = row_names(row)
    result.person = full_name(surname, name, patronymic)
    email, phone = row_email(row), row_phone(row)
    kind = _kind(row.get("kind"), patronymic)
    child = _find_child(ctx, row)
    number = row.get("application_number")[:32]
    applied_on = row_date(row, "application_date", _("дата заявления"))
    if applied_on and applied_on > timezone.localdate():
        raise RowRefused(_("дата заявления в будущем"))
    if number and not applied_on:
        raise RowRefused(_("у заявления %(n)s нет даты") % {"n": number})
    ctx.once(
        ("parent", email or phone_digits(phone) or " ".join(names.person_key(surname, name, patronymic)), child.pk),
        row.number,
    )
    details = result.details
    parent = _find_parent(ctx, child, surname, name, patronymic, email, phone)
    if parent is None:
        parent = ctx.new_user(
            surname=surname, name=name, patronymic=patronymic, email=email, phone=phone, role=Role.PARENT
        )
        result.action = "create"
        details.append(_("новый родитель, логин %(login)s") % {"login": parent.username})
    else:
        ctx.update_person(parent, role=Role.PARENT, patronymic=patronymic, email=email, phone=phone, result=result)
    child_label = f"{child.user.short_name} ({child.school_class})"
    open_ = Guardianship.objects.filter(
        parent=parent, student=child, status__in=[Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE]
    ).first()
    if open_ is None:
        Guardianship.objects.create(
            parent=parent,
            student=child,
            kind=kind,
            status=Guardianship.Status.APPLIED,
            application_number=number,
            application_date=applied_on,
        )
        if result.action == "same":
            result.action = "update"
        details.append(
            _("представитель ученика %(child)s: %(what)s")
            % {
                "child": child_label,
                "what": _("заявление № %(n)s от %(d)s") % {"n": number, "d": applied_on.strftime("%d.%m.%Y")}
                if number
                else _("заявление ещё не зарегистрировано"),
            }
        )
        return
    fields = []
    if open_.kind != kind and row.get("kind"):
        open_.kind = kind
        fields.append("kind")
    if (
        open_.status == Guardianship.Status.APPLIED
        and number
        and (open_.application_number != number or open_.application_date != applied_on)
    ):
        open_.application_number, open_.application_date = number, applied_on
        fields += ["application_number", "application_date"]
    if fields:
        open_.save(update_fields=fields)
        if result.action == "same":
            result.action = "update"
        details.append(_("ученик %(child)s: уточнены сведения заявления") % {"child": child_label})
