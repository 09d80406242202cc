"""Import of people from the spreadsheets a school has: students, parents, teachers (XLSX or CSV).

One file holds one kind of people (found from its columns, or named). Every row is reported: created,
updated (with what changes), unchanged, or refused (with why). A dry run does the whole import inside a
transaction and rolls it back, so its report is exactly what the import would do. The import itself is
all-or-nothing: one refused row and nothing is written. Importing the same file again changes nothing.

How a row finds the person it describes (the stable keys):

| file | key |
| --- | --- |
| students | «№ личного дела»; without it, surname + name + patronymic + birth date |
| parents | e-mail; without it, phone; without both, surname + name + patronymic among the child's guardians. The child: «№ личного дела», or the child's full name + class |
| teachers | e-mail; without it, «Логин»; without both, surname + name + patronymic among the teachers |

A key that finds a person with another name is refused (a family e-mail shared by two parents is not one
person). Empty cells never erase what the journal has. New people get a login (``accounts.login_base``)
and no password: passwords are made when the slips are printed.

Columns (header row anywhere in the first 30 rows, any order, synonyms accepted):

- students: Фамилия, Имя, Отчество (or ФИО), Дата рождения, Пол, Класс, № личного дела, Адрес, E-mail,
  Телефон, Подгруппы;
- parents: Фамилия, Имя, Отчество (or ФИО), Телефон, E-mail, Кем приходится, № личного дела ребёнка (or
  ФИО ребёнка + Класс), № заявления, Дата заявления;
- teachers: Фамилия, Имя, Отчество (or ФИО), E-mail, Телефон, Логин, Должность, Образование, Категория,
  Стаж, Предметы, Классы, Подгруппа, Часов в неделю, Классный руководитель. A row with Предмет and Классы
  gives the teacher that subject in each listed class (one row per subject; several rows per teacher).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.models import (
    AcademicYear,
    Guardianship,
    Role,
    School,
    SchoolClass,
    Student,
    StudentGroup,
    Subject,
    Teacher,
    TeachingAssignment,
    User,
)

from .. import tables
from ..accounts import taken_logins, unique_login
from ..guardianships import student_access_grant


class Kind:
    STUDENTS = "students"
    PARENTS = "parents"
    TEACHERS = "teachers"

    CHOICES = [
        (STUDENTS, gettext_lazy("ученики")),
        (PARENTS, gettext_lazy("родители")),
        (TEACHERS, gettext_lazy("учителя")),
    ]
    LABELS = dict(CHOICES)


NAME_FIELDS = {
    "surname": ("фамилия",),
    "name": ("имя",),
    "patronymic": ("отчество",),
    "fio": ("фио", "ф.и.о.", "ф. и. о.", "фамилия, имя, отчество", "фамилия имя отчество"),
    "email": ("e-mail", "email", "эл. почта", "электронная почта", "адрес электронной почты", "почта"),
    "phone": ("телефон", "тел.", "мобильный телефон", "контактный телефон"),
}

FIELDS = {
    Kind.STUDENTS: {
        **NAME_FIELDS,
        "fio": (*NAME_FIELDS["fio"], "ученик", "обучающийся", "фио ученика", "фио обучающегося"),
        "record_number": ("№ личного дела", "номер личного дела", "личное дело", "№ л/д", "л/д"),
        "birth_date": ("дата рождения", "д.р.", "др"),
        "gender": ("пол",),
        "class": ("класс",),
        "address": ("адрес", "адрес проживания", "адрес регистрации"),
        "groups": ("подгруппы", "подгруппа", "группы"),
    },
    Kind.PARENTS: {
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
    },
    Kind.TEACHERS: {
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
    },
}

#: Column sets that identify each kind of file (any one set is enough).
SIGNATURES = {
    Kind.PARENTS: [
        ["surname", "child_record"],
        ["fio", "child_record"],
        ["surname", "child_fio"],
        ["fio", "child_fio"],
    ],
    Kind.TEACHERS: [["surname", "subjects"], ["fio", "subjects"], ["surname", "position"], ["fio", "position"]],
    Kind.STUDENTS: [["surname", "class"], ["fio", "class"]],
}


ACTIONS = {
    "create": gettext_lazy("создать"),
    "update": gettext_lazy("изменить"),
    "same": gettext_lazy("без изменений"),
    "refuse": gettext_lazy("отказ"),
}


@dataclass
class RowResult:
    number: int
    person: str
    action: str = "same"  # create | update | same | refuse
    details: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(ACTIONS[self.action])


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    error: str = ""
    header_row: int = 0
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def kind_label(self) -> str:
        return str(Kind.LABELS.get(self.kind, "")).capitalize()

    @property
    def refused(self) -> int:
        return self.count("refuse")

    @property
    def ok(self) -> bool:
        return not self.error and not self.refused

    def summary(self) -> str:
        if self.error:
            return self.error
        text = _("Создать: %(c)s, изменить: %(u)s, без изменений: %(s)s, отказ: %(r)s.") % {
            "c": self.count("create"),
            "u": self.count("update"),
            "s": self.count("same"),
            "r": self.refused,
        }
        if self.dry_run:
            return _("Проверка (ничего не записано). ") + text
        if self.applied:
            return _("Загружено. ") + text
        return _("Ничего не загружено: в файле есть строки с ошибками. ") + text


class RowRefused(Exception):
    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def default_year(today: datetime.date | None = None) -> AcademicYear | None:
    """The year containing today; in the summer, the coming one; failing both, the latest."""
    today = today or timezone.localdate()
    return (
        AcademicYear.objects.containing(today).first()
        or AcademicYear.objects.filter(start__gt=today).order_by("start").first()
        or AcademicYear.objects.order_by("-start").first()
    )


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    return digits


def _same(a: str, b: str) -> bool:
    return (a or "").strip().lower().replace("ё", "е") == (b or "").strip().lower().replace("ё", "е")


class _Context:
    def __init__(self, *, year: AcademicYear, school: School, by: User):
        self.year, self.school, self.by = year, school, by
        self.taken = taken_logins()
        self.classes = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=year, school=school)}
        self.subjects = {s.name.lower(): s for s in Subject.objects.all()}
        self.roles = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        self.keys: dict[tuple, int] = {}
        self._phones: dict[str, list[int]] | None = None
        self._students: _Students | None = None
        #: What this row added to the caches, to forget if the row is refused (its savepoint rolls back).
        self.row_added: list[tuple[dict, object]] = []

    def forget_row(self) -> None:
        for cache, key in self.row_added:
            cache.pop(key, None)
        self.row_added = []

    def school_class(self, label: str, details: list[str]) -> SchoolClass:
        if not (label or "").strip():
            raise RowRefused(_("не указан класс"))
        try:
            grade, letter = tables.parse_class_label(label)
        except ValidationError as error:
            raise RowRefused(*error.messages) from None
        found = self.classes.get((grade, letter))
        if found is None:
            found = SchoolClass.objects.create(school=self.school, year=self.year, grade=grade, letter=letter)
            self.classes[(grade, letter)] = found
            self.row_added.append((self.classes, (grade, letter)))
            details.append(_("создаётся класс %(cls)s (%(year)s)") % {"cls": found, "year": self.year})
        return found

    def subject(self, name: str, details: list[str]) -> Subject:
        key = " ".join(name.split()).lower()
        found = self.subjects.get(key)
        if found is None:
            title = " ".join(name.split())
            title = title[:1].upper() + title[1:]
            found = Subject.objects.create(name=title, is_russian_or_literature=key in {"русский язык", "литература"})
            self.subjects[key] = found
            self.row_added.append((self.subjects, key))
            details.append(_("создаётся предмет «%(name)s»") % {"name": found.name})
        return found

    @property
    def students(self) -> "_Students":
        if self._students is None:
            self._students = _Students()
        return self._students

    def once(self, key: tuple, row: int) -> None:
        """A person appears once per file (a second row for them is refused: which one is right?)."""
        if key in self.keys:
            raise RowRefused(_("повторяет строку %(n)s") % {"n": self.keys[key]})
        self.keys[key] = row

    def users_by_phone(self, phone: str) -> list[int]:
        if self._phones is None:
            self._phones = {}
            for pk, value in User.objects.exclude(phone="").values_list("pk", "phone"):
                self._phones.setdefault(_digits(value), []).append(pk)
        return self._phones.get(_digits(phone), [])

    def remember_phone(self, user: User) -> None:
        if self._phones is not None and user.phone:
            self._phones.setdefault(_digits(user.phone), []).append(user.pk)

    def new_user(self, *, surname: str, name: str, patronymic: str, email: str, phone: str, role: Role | None) -> User:
        """A new account with a login and no usable password; ``role=None`` leaves the group to the caller."""
        user = User(
            username=unique_login(surname, name, patronymic, self.taken),
            surname=surname,
            name=name,
            patronymic=patronymic,
            email=email,
            phone=phone,
            must_change_password=True,
        )
        user.set_unusable_password()
        user.save()
        if role is not None:
            user.groups.add(self.roles[role])
        self.remember_phone(user)
        return user


def _names(row: tables.Row) -> tuple[str, str, str]:
    surname, name, patronymic = row.get("surname"), row.get("name"), row.get("patronymic")
    if not surname and row.get("fio"):
        parts = row.get("fio").split()
        surname = parts[0] if parts else ""
        name = parts[1] if len(parts) > 1 else ""
        patronymic = " ".join(parts[2:])
    surname, name, patronymic = (" ".join(p.split()) for p in (surname, name, patronymic))
    if not surname or not name:
        raise RowRefused(_("нет фамилии или имени"))
    for part in (surname, name, patronymic):
        if len(part) > 80:
            raise RowRefused(_("слишком длинное имя (больше 80 знаков)"))
    return surname, name, patronymic


def _full(surname: str, name: str, patronymic: str) -> str:
    return " ".join(p for p in (surname, name, patronymic) if p)


def _email(row: tables.Row) -> str:
    email = row.get("email").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise RowRefused(_("e-mail «%(value)s» записан с ошибкой") % {"value": email})
    return email.lower()


def _date(row: tables.Row, name: str, label: str) -> datetime.date | None:
    try:
        return tables.parse_date(row.raw.get(name))
    except ValidationError as error:
        raise RowRefused(f"{label}: {' '.join(error.messages)}") from None


def _same_person(user: User, surname: str, name: str, patronymic: str, *, by: str) -> None:
    if not (_same(user.surname, surname) and _same(user.name, name)) or (
        patronymic and user.patronymic and not _same(user.patronymic, patronymic)
    ):
        raise RowRefused(
            _("%(by)s уже принадлежит пользователю %(who)s (%(login)s): у разных людей должны быть разные %(by)s")
            % {"by": by, "who": user.full_name, "login": user.username}
        )


def _update_user(user: User, *, patronymic: str, email: str, phone: str, changes: list[str]) -> None:
    """Fill what the journal lacks; empty cells never erase, and a different e-mail or phone is updated."""
    fields = []
    if patronymic and not user.patronymic:
        user.patronymic = patronymic
        fields.append("patronymic")
        changes.append(_("отчество: %(v)s") % {"v": patronymic})
    if email and not _same(user.email, email):
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise RowRefused(_("e-mail %(e)s уже у другого пользователя") % {"e": email})
        changes.append(_("e-mail: %(old)s → %(new)s") % {"old": user.email or "—", "new": email})
        user.email = email
        fields.append("email")
    if phone and _digits(phone) != _digits(user.phone):
        changes.append(_("телефон: %(old)s → %(new)s") % {"old": user.phone or "—", "new": phone})
        user.phone = phone[:32]
        fields.append("phone")
    if fields:
        user.save(update_fields=fields)


# --- Students -------------------------------------------------------------------------------------------------

GENDERS = {"м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f", "женский": "f", "f": "f"}


def _gender(value: str) -> str:
    text = (value or "").strip().lower().rstrip(".")
    if not text:
        return ""
    if text not in GENDERS:
        raise RowRefused(_("пол «%(v)s»: укажите «м» или «ж»") % {"v": value})
    return GENDERS[text]


def _person_key(surname: str, name: str, patronymic: str, birth) -> tuple:
    return (
        surname.lower().replace("ё", "е"),
        name.lower().replace("ё", "е"),
        patronymic.lower().replace("ё", "е"),
        birth,
    )


class _Students:
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


def _student_row(ctx: _Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = _names(row)
    result.person = _full(surname, name, patronymic)
    record = row.get("record_number")[:32]
    birth = _date(row, "birth_date", _("дата рождения"))
    if not record and birth is None:
        raise RowRefused(_("нужен № личного дела или дата рождения: без них ученика не узнать при повторной загрузке"))
    gender = _gender(row.get("gender"))
    email, phone, address = _email(row), row.get("phone")[:32], row.get("address")[:255]
    ctx.once(("student", record) if record else ("student", result.person.lower(), birth), row.number)
    details = result.details
    school_class = ctx.school_class(row.get("class"), details)
    student = ctx.students.find(record, surname, name, patronymic, birth)
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
        student_access_grant(student=student)
        ctx.students.add(student.pk, record, _person_key(surname, name, patronymic, birth))
        ctx.row_added.append((ctx.students.by_record, record))
        result.action = "create"
        details.insert(0, _("новый ученик %(cls)s, логин %(login)s") % {"cls": school_class, "login": user.username})
    else:
        _same_person(student.user, surname, name, patronymic, by=_("№ личного дела"))
        changes = []
        _update_user(student.user, patronymic=patronymic, email=email, phone=phone, changes=changes)
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


# --- Parents --------------------------------------------------------------------------------------------------

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


def _find_child(ctx: _Context, row: tables.Row) -> Student:
    record = row.get("child_record")
    if record:
        child = Student.objects.select_related("user", "school_class").filter(record_number=record).first()
        if child is None:
            raise RowRefused(
                _("ученика с личным делом %(n)s нет в журнале: сначала загрузите учеников") % {"n": record}
            )
        return child
    fio = row.get("child_fio").split()
    if len(fio) < 2 or not row.get("child_class"):
        raise RowRefused(_("укажите № личного дела ребёнка или его ФИО и класс"))
    try:
        grade, letter = tables.parse_class_label(row.get("child_class"))
    except ValidationError as error:
        raise RowRefused(*error.messages) from None
    children = Student.objects.select_related("user", "school_class").filter(
        user__surname__iexact=fio[0],
        user__name__iexact=fio[1],
        school_class__grade=grade,
        school_class__letter=letter,
        school_class__year=ctx.year,
    )
    if len(fio) > 2:
        children = children.filter(user__patronymic__iexact=" ".join(fio[2:]))
    children = list(children[:2])
    if not children:
        raise RowRefused(
            _("ученик %(fio)s (%(cls)s) не найден: сначала загрузите учеников")
            % {"fio": " ".join(fio), "cls": row.get("child_class")}
        )
    if len(children) > 1:
        raise RowRefused(_("в классе два ученика с таким именем: укажите № личного дела"))
    return children[0]


def _find_parent(ctx: _Context, child: Student, surname, name, patronymic, email, phone) -> User | None:
    if email:
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise RowRefused(_("e-mail %(e)s указан у нескольких пользователей") % {"e": email})
        if users:
            _same_person(users[0], surname, name, patronymic, by=_("e-mail"))
            return users[0]
    if phone and _digits(phone):
        ids = ctx.users_by_phone(phone)
        users = [u for u in User.objects.filter(pk__in=ids) if _same(u.surname, surname) and _same(u.name, name)]
        if len(users) > 1:
            raise RowRefused(_("телефон %(p)s указан у нескольких пользователей с этим именем") % {"p": phone})
        if users:
            return users[0]
        if ids and not email:
            other = User.objects.filter(pk__in=ids).first()
            _same_person(other, surname, name, patronymic, by=_("телефон"))
    # By name among the child's guardians (a parent re-imported without contacts).
    guardians = [
        g.parent
        for g in Guardianship.objects.filter(student=child).select_related("parent")
        if _same(g.parent.surname, surname)
        and _same(g.parent.name, name)
        and (not patronymic or not g.parent.patronymic or _same(g.parent.patronymic, patronymic))
    ]
    return guardians[0] if guardians else None


def _parent_row(ctx: _Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = _names(row)
    result.person = _full(surname, name, patronymic)
    email, phone = _email(row), row.get("phone")[:32]
    kind = _kind(row.get("kind"), patronymic)
    child = _find_child(ctx, row)
    number = row.get("application_number")[:32]
    applied_on = _date(row, "application_date", _("дата заявления"))
    if applied_on and applied_on > timezone.localdate():
        raise RowRefused(_("дата заявления в будущем"))
    if number and not applied_on:
        raise RowRefused(_("у заявления %(n)s нет даты") % {"n": number})
    ctx.once(("parent", email or _digits(phone) or result.person.lower(), child.pk), row.number)
    details = result.details
    parent = _find_parent(ctx, child, surname, name, patronymic, email, phone)
    if parent is None:
        parent = ctx.new_user(
            surname=surname, name=name, patronymic=patronymic, email=email, phone=phone, role=Role.PARENT
        )
        result.action = "create"
        details.append(_("новый родитель, логин %(login)s") % {"login": parent.username})
    else:
        changes: list[str] = []
        _update_user(parent, patronymic=patronymic, email=email, phone=phone, changes=changes)
        if not parent.groups.filter(pk=ctx.roles[Role.PARENT].pk).exists():
            parent.groups.add(ctx.roles[Role.PARENT])
            changes.append(_("получает роль «Родитель»"))
        if changes:
            result.action = "update"
            details.extend(changes)
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


# --- Teachers -------------------------------------------------------------------------------------------------

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
    if email:
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise RowRefused(_("e-mail %(e)s указан у нескольких пользователей") % {"e": email})
        if users:
            _same_person(users[0], surname, name, patronymic, by=_("e-mail"))
            return users[0]
    if login:
        user = User.objects.filter(username__iexact=login).first()
        if user is not None:
            _same_person(user, surname, name, patronymic, by=_("логин"))
            return user
    teachers = list(
        User.objects.filter(
            teacher__isnull=False, surname__iexact=surname, name__iexact=name, patronymic__iexact=patronymic
        )[:2]
    )
    if len(teachers) > 1:
        raise RowRefused(_("в журнале два учителя с этим ФИО: укажите e-mail"))
    return teachers[0] if teachers else None


def _teacher_row(ctx: _Context, row: tables.Row, result: RowResult) -> None:
    surname, name, patronymic = _names(row)
    result.person = _full(surname, name, patronymic)
    email, phone, login = _email(row), row.get("phone")[:32], row.get("login").strip()
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
            user = User(
                username=login,
                surname=surname,
                name=name,
                patronymic=patronymic,
                email=email,
                phone=phone,
                must_change_password=True,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(ctx.roles[Role.TEACHER])
        else:
            user = ctx.new_user(
                surname=surname, name=name, patronymic=patronymic, email=email, phone=phone, role=Role.TEACHER
            )
        result.action = "create"
        details.append(_("новый учитель, логин %(login)s") % {"login": user.username})
    else:
        changes: list[str] = []
        _update_user(user, patronymic=patronymic, email=email, phone=phone, changes=changes)
        if not user.groups.filter(pk=ctx.roles[Role.TEACHER].pk).exists():
            user.groups.add(ctx.roles[Role.TEACHER])
            changes.append(_("получает роль «Учитель»"))
        if changes:
            result.action = "update"
            details.extend(changes)
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
            user.groups.add(ctx.roles[Role.CLASS_TEACHER])


HANDLERS = {Kind.STUDENTS: _student_row, Kind.PARENTS: _parent_row, Kind.TEACHERS: _teacher_row}


def detect_kind(data: bytes, filename: str) -> str:
    """Which kind of people a file lists, from its header."""
    cells = tables.read_cells(data, filename)
    for kind in (Kind.PARENTS, Kind.TEACHERS, Kind.STUDENTS):
        for required in SIGNATURES[kind]:
            try:
                tables.find_columns(cells, fields=FIELDS[kind], required=required)
                return kind
            except ValidationError:
                continue
    raise ValidationError(
        _(
            "Не удалось понять, кто в файле: нужны столбцы «Фамилия» (или «ФИО») и «Класс» — для учеников, "
            "«№ личного дела ребёнка» или «ФИО ребёнка» — для родителей, «Предметы» или «Должность» — для учителей."
        )
    )


def _read(kind: str, data: bytes, filename: str) -> tables.Table:
    last_error = None
    for required in SIGNATURES[kind]:
        try:
            return tables.read_table(data, filename, fields=FIELDS[kind], required=required)
        except ValidationError as error:
            last_error = error
    raise last_error


def people_import(
    *,
    data: bytes,
    filename: str,
    by: User,
    kind: str | None = None,
    dry_run: bool = True,
    year: AcademicYear | None = None,
) -> ImportReport:
    """Import a file of students, parents or teachers; a dry run (the default) writes nothing.

    All-or-nothing: when any row is refused the whole import is rolled back, and the report says why.
    """
    report = ImportReport(kind=kind or "", dry_run=dry_run)
    try:
        report.kind = kind = kind or detect_kind(data, filename)
        table = _read(kind, data, filename)
    except ValidationError as error:
        report.error = " ".join(error.messages)
        return report
    report.header_row = table.header_row
    year = year or default_year()
    school = School.objects.order_by("pk").first()
    if year is None or school is None:
        report.error = _("Сначала заведите карточку ОУ и учебный год (администрирование).")
        return report
    if not table.rows:
        report.error = _("Под строкой заголовка нет ни одной строки.")
        return report
    handler = HANDLERS[kind]
    with transaction.atomic():
        ctx = _Context(year=year, school=school, by=by)
        for row in table.rows:
            result = RowResult(number=row.number, person="")
            ctx.row_added = []
            try:
                with transaction.atomic():
                    handler(ctx, row, result)
            except RowRefused as refused:
                result.action, result.details = "refuse", refused.messages
                ctx.forget_row()
            except IntegrityError as error:  # a rule of the database the checks above did not foresee
                result.action, result.details = "refuse", [_("запись отклонена базой данных: %(e)s") % {"e": error}]
                ctx.forget_row()
            report.rows.append(result)
        if dry_run or report.refused:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report
