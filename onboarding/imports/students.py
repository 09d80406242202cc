"""A file of students: each row is a student card and an account; a new student can read their own diary.

The key: «№ личного дела»; without it, surname + name + patronymic + birth date.
"""

import datetime

from django.utils.translation import gettext as _

from journal.models import HistoryEntry, Student, StudentGroup

from .. import tables
from ..guardianships import student_access_grant
from . import names
from .rows import (
    NAME_FIELDS,
    Context,
    RowRefused,
    RowResult,
    check_same_person,
    full_name,
    row_date,
    row_email,
    row_names,
    row_phone,
    update_user,
)

#: Columns: Фамилия, Имя, Отчество (or ФИО), Дата рождения, Пол, Класс, № личного дела, Адрес, E-mail, Телефон,
#: Подгруппы.
FIELDS = {
    **NAME_FIELDS,
    "fio": (*NAME_FIELDS["fio"], "ученик", "обучающийся", "фио ученика", "фио обучающегося"),
    "record_number": ("№ личного дела", "номер личного дела", "личное дело", "№ л/д", "л/д"),
    "birth_date": ("дата рождения", "д.р.", "др"),
    "gender": ("пол",),
    "class": ("класс",),
    "address": ("адрес", "адрес проживания", "адрес регистрации"),
    "groups": ("подгруппы", "подгруппа", "группы"),
}
SIGNATURES = [["surname", "class"], ["fio", "class"]]

GENDERS = {"м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f", "женский": "f", "f": "f"}


def _gender(value: str) -> str:
    text = (value or "").strip().lower().rstrip(".")
    if not text:
        return ""
    if text not in GENDERS:
        raise RowRefused(_("пол «%(v)s»: укажите «м» или «ж»") % {"v": value})
    return GENDERS[text]


def _person_key(surname: str, name: str, patronymic: str, birth) -> tuple:
    return (*names.person_key(surname, name, patronymic), birth)


class StudentIndex:
    """Every student card, by record number and by ФИО + birth date: two dictionaries instead of a query a row."""

    def __init__(self):
        self.by_record: dict[str, int] = {}
        self.by_person: dict[tuple, list[int]] = {}
        self.numbered: set[int] = set()
        for pk, record, surname, name, patronymic, birth in Student.objects.values_list(
            "pk", "record_number", "user__surname", "user__name", "user__patronymic", "birth_date"
        ):
            self.add(pk, record, _person_key(surname, name, patronymic, birth))

    def add(self, pk: int, record: str, key: tuple) -> None:
        if record:
            self.by_record[record] = pk
            self.numbered.add(pk)
        self.by_person.setdefault(key, []).append(pk)

    def find(self, record: str, surname: str, name: str, patronymic: str, birth) -> Student | None:
        students = Student.objects.select_related("user", "school_class")
        if record and record in self.by_record:
            return students.filter(pk=self.by_record[record]).first()
        if birth is None:
            return None
        ids = self.by_person.get(_person_key(surname, name, patronymic, birth), [])
        if record:  # a card entered by hand without the number: the row completes it
            ids = [pk for pk in ids if pk not in self.numbered]
        candidates = list(students.filter(pk__in=ids)) if ids else []
        if len(candidates) > 1:
            raise RowRefused(_("в журнале несколько учеников с этими ФИО и датой рождения"))
        return candidates[0] if candidates else None


def _shown(value) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, datetime.date) else (value or "—")


def import_row(ctx: Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = row_names(row)
    result.person = full_name(surname, name, patronymic)
    record = row.get("record_number")[:32]
    birth = row_date(row, "birth_date", _("дата рождения"))
    if not record and birth is None:
        raise RowRefused(_("нужен № личного дела или дата рождения: без них ученика не узнать при повторной загрузке"))
    gender = _gender(row.get("gender"))
    email, phone, address = row_email(row), row_phone(row), row.get("address")[:255]
    ctx.once(
        ("student", record) if record else ("student", *names.person_key(surname, name, patronymic), birth), row.number
    )
    details = result.details
    school_class = ctx.school_class(row.get("class"), details)
    if ctx.student_index is None:
        ctx.student_index = StudentIndex()
    index = ctx.student_index
    student = index.find(record, surname, name, patronymic, birth)
    if student is None:
        # The «Обучающийся» group comes with the diary permission (``student_access_grant``).
        user = ctx.new_user(surname=surname, name=name, patronymic=patronymic, email=email, phone=phone, role=None)
        student = Student.objects.create(
            user=user,
            school_class=school_class,
            birth_date=birth,
            gender=gender,
            record_number=record,
            address=address,
        )
        student_access_grant(student=student, by=ctx.by, source=HistoryEntry.Source.IMPORT)
        index.add(student.pk, record, _person_key(surname, name, patronymic, birth))
        ctx.row_added.append((index.by_record, record))
        result.action = "create"
        details.insert(0, _("новый ученик %(cls)s, логин %(login)s") % {"cls": school_class, "login": user.username})
    else:
        check_same_person(student.user, surname, name, patronymic, by=_("№ личного дела"))
        changes = []
        update_user(student.user, patronymic=patronymic, email=email, phone=phone, changes=changes)
        fields = []
        if student.school_class_id != school_class.pk:
            changes.append(_("класс: %(old)s → %(new)s") % {"old": student.school_class, "new": school_class})
            student.school_class = school_class
            fields.append("school_class")
        for attr, value, label in (
            ("birth_date", birth, _("дата рождения")),
            ("gender", gender, _("пол")),
            ("record_number", record, _("№ личного дела")),
            ("address", address, _("адрес")),
        ):
            if value and getattr(student, attr) != value:
                old = getattr(student, attr)
                changes.append(f"{label}: {_shown(old)} → {_shown(value)}")
                setattr(student, attr, value)
                fields.append(attr)
        if not student.is_active:
            student.is_active = True
            fields.append("is_active")
            changes.append(_("снова обучается"))
        if fields:
            student.save(update_fields=fields)
        if changes:
            result.action = "update"
            details.extend(changes)
    for group_name in tables.split_list(row.get("groups")):
        group, created = StudentGroup.objects.get_or_create(school_class=school_class, name=group_name[:60])
        if not group.students.filter(pk=student.pk).exists():
            group.students.add(student)
            if result.action == "same":
                result.action = "update"
            details.append(_("подгруппа «%(g)s»%(new)s") % {"g": group.name, "new": _(" (новая)") if created else ""})
