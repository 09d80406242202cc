"""What every people import shares: the kinds of file, a row's result and the report, the import's context
(the classes, subjects, logins and phones it has seen), and reading a person's name, e-mail and date from a row.

A row handler (``students``, ``parents``, ``teachers``) fills a ``RowResult`` or raises ``RowRefused`` with
why; the import (``people_import``) runs each row in its own savepoint and ``Context.forget_row`` drops what
a refused row had added to the context's caches.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.models import AcademicYear, HistoryEntry, Role, School, SchoolClass, Subject, User
from journal.services import Origin
from journal.services.roles import roles_grant

from .. import tables
from ..accounts import taken_logins, unique_login
from . import names

if TYPE_CHECKING:
    from .students import StudentIndex


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
    skipped: list[tuple[int, str]] = field(default_factory=list)  # rows that are not people (totals, headers)

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


def phone_digits(phone: str) -> str:
    """A phone number as its ten digits, whatever way it was written (+7, 8, brackets, dashes)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    return digits


def phone_normalize(phone: str) -> str:
    """A Russian phone as +7XXXXXXXXXX, however written («8 (918) 123-45-67», «+7 918 1234567», «9181234567»);
    empty stays empty; anything that cannot be a Russian number is refused with what to write instead."""
    text = (phone or "").strip()
    if not text:
        return ""
    text = re.sub(r"^(?:тел|моб|сот|т)\.?\s*:?\s*", "", text, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", text)
    if re.search(r"[a-zа-яё]", text.lower()) or len(re.findall(r"\d", text)) > 11 and re.search(r"[,;/]", text):
        raise RowRefused(
            _("телефон «%(v)s»: в клетке должен быть один номер без добавочного — например, +7 918 123-45-67")
            % {"v": text}
        )
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "3489":
        raise RowRefused(
            _(
                "телефон «%(v)s» не похож на российский: нужно 10 цифр после +7 или 8 (код города или оператора "
                "начинается с 3, 4, 8 или 9), например +7 918 123-45-67"
            )
            % {"v": text}
        )
    return "+7" + digits


class Context:
    def __init__(self, *, year: AcademicYear, school: School, by: User):
        self.year, self.school, self.by = year, school, by
        self.taken = taken_logins()
        self.classes = {(c.grade, c.letter): c for c in SchoolClass.objects.filter(year=year, school=school)}
        self.subjects = {s.name.lower(): s for s in Subject.objects.all()}
        self.roles = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        self.keys: dict[tuple, int] = {}
        self._phones: dict[str, list[int]] | None = None
        #: Every student card by record number and by name (``students.StudentIndex``), built when first needed.
        self.student_index: StudentIndex | None = None
        #: What this row added to the caches, to forget if the row is refused (its savepoint rolls back).
        self.row_added: list[tuple[dict, object]] = []

    @property
    def origin(self) -> Origin:
        return Origin(by=self.by, source=HistoryEntry.Source.IMPORT)

    def grant(self, user: User, role: Role) -> None:
        """Give a role through the journal's service (history; nobody grants themselves one)."""
        roles_grant(origin=self.origin, user=user, roles=[role])

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

    def once(self, key: tuple, row: int) -> None:
        """A person appears once per file (a second row for them is refused: which one is right?)."""
        if key in self.keys:
            raise RowRefused(_("повторяет строку %(n)s") % {"n": self.keys[key]})
        self.keys[key] = row

    def users_by_phone(self, phone: str) -> list[int]:
        if self._phones is None:
            self._phones = {}
            for pk, value in User.objects.exclude(phone="").values_list("pk", "phone"):
                self._phones.setdefault(phone_digits(value), []).append(pk)
        return self._phones.get(phone_digits(phone), [])

    def remember_phone(self, user: User) -> None:
        if self._phones is not None and user.phone:
            self._phones.setdefault(phone_digits(user.phone), []).append(user.pk)

    def new_user(
        self, *, surname: str, name: str, patronymic: str, email: str, phone: str, role: Role | None, login: str = ""
    ) -> User:
        """A new account with no usable password and ``login`` (the file's, already checked to be free) or one made
        from the name; ``role=None`` leaves the group to the caller."""
        user = User(
            username=login or unique_login(surname, name, patronymic, self.taken),
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
            self.grant(user, role)
        self.remember_phone(user)
        return user

    def update_person(
        self, user: User, *, role: Role, patronymic: str, email: str, phone: str, result: "RowResult"
    ) -> None:
        """A person the journal knows: fill in what it lacks (``update_user``) and give the role, if new."""
        changes: list[str] = []
        update_user(user, patronymic=patronymic, email=email, phone=phone, changes=changes)
        if not user.groups.filter(pk=self.roles[role].pk).exists():
            self.grant(user, role)
            changes.append(_("получает роль «%(role)s»") % {"role": role.value})
        if changes:
            result.action = "update"
            result.details.extend(changes)


def user_by_email(email: str, surname: str, name: str, patronymic: str) -> User | None:
    """The one user with this e-mail, who must be the person the row names; ``None`` if nobody has it."""
    if not email:
        return None
    users = list(User.objects.filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise RowRefused(_("e-mail %(e)s указан у нескольких пользователей") % {"e": email})
    if users:
        check_same_person(users[0], surname, name, patronymic, by=_("e-mail"))
        return users[0]
    return None


def row_names(row: tables.Row) -> tuple[str, str, str]:
    surname, name, patronymic = row.get("surname"), row.get("name"), row.get("patronymic")
    if not surname and row.get("fio"):
        surname, name, patronymic = names.split_fio(row.get("fio"))
    surname, name, patronymic = (names.tidy_name(p) for p in (surname, name, patronymic))
    if not surname or not name:
        raise RowRefused(_("нет фамилии или имени: заполните «Фамилия» и «Имя» или «ФИО» целиком"))
    for part in (surname, name, patronymic):
        if len(part) > 80:
            raise RowRefused(_("слишком длинное имя (больше 80 знаков)"))
    return surname, name, patronymic


def row_phone(row: tables.Row) -> str:
    return phone_normalize(row.get("phone"))


def full_name(surname: str, name: str, patronymic: str) -> str:
    return " ".join(p for p in (surname, name, patronymic) if p)


def row_email(row: tables.Row) -> str:
    email = row.get("email").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise RowRefused(_("e-mail «%(value)s» записан с ошибкой") % {"value": email})
    return email.lower()


def row_date(row: tables.Row, name: str, label: str) -> datetime.date | None:
    try:
        return tables.parse_date(row.raw.get(name))
    except ValidationError as error:
        raise RowRefused(f"{label}: {' '.join(error.messages)}") from None


def check_same_person(user: User, surname: str, name: str, patronymic: str, *, by: str) -> None:
    if not names.same_person((user.surname, user.name, user.patronymic), (surname, name, patronymic)):
        raise RowRefused(
            _(
                "%(by)s уже принадлежит пользователю %(who)s (%(login)s): у разных людей должны быть разные "
                "%(by)s — исправьте его в файле или оставьте клетку пустой"
            )
            % {"by": by, "who": user.full_name, "login": user.username}
        )


def update_user(user: User, *, patronymic: str, email: str, phone: str, changes: list[str]) -> None:
    """Fill what the journal lacks; empty cells never erase, and a different e-mail or phone is updated."""
    fields = []
    if patronymic and not user.patronymic:
        user.patronymic = patronymic
        fields.append("patronymic")
        changes.append(_("отчество: %(v)s") % {"v": patronymic})
    if email and email.lower() != (user.email or "").lower():
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise RowRefused(_("e-mail %(e)s уже у другого пользователя") % {"e": email})
        changes.append(_("e-mail: %(old)s → %(new)s") % {"old": user.email or "—", "new": email})
        user.email = email
        fields.append("email")
    if phone and phone_digits(phone) != phone_digits(user.phone):
        changes.append(_("телефон: %(old)s → %(new)s") % {"old": user.phone or "—", "new": phone})
        user.phone = phone
        fields.append("phone")
    if fields:
        user.save(update_fields=fields)
