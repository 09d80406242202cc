"""Accounts of students, parents and teachers: logins, one-time passwords and their slips, receipts.

- A login is the transliterated surname and initials: «Лебедева Мария Александровна» → ``lebedeva.ma``;
  taken logins get a number: ``lebedeva.ma2``.
- Imported people get no usable password. A password is made only when a slip is printed: it is shown
  once, in that PDF, and only its hash is kept; printing slips again makes new passwords. Every issued
  password must be changed at the first login (``User.must_change_password``).
- The signed slip is the «документ о получении учётной записи» (п. 3.3): recording its date and number
  creates the user's ``CredentialReceipt``.
- A parent reads the diary only on their application (п. 1.12): see ``guardianships``.
"""

import datetime
import os
import re
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import CredentialIssue, CredentialReceipt, Guardianship, Role, Student, User

TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}

#: Letters and digits that cannot be mistaken for each other on paper (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10


def transliterate(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in (text or "").lower())


def login_base(surname: str, name: str, patronymic: str = "") -> str:
    """«Лебедева», «Мария», «Александровна» → ``lebedeva.ma``."""
    base = re.sub(r"[^a-z0-9-]", "", transliterate(surname).replace(" ", "-")).strip("-") or "user"
    initials = "".join(re.sub(r"[^a-z]", "", transliterate(part))[:1] for part in (name, patronymic) if part)
    return f"{base[:100]}.{initials}" if initials else base[:100]


def unique_login(surname: str, name: str, patronymic: str, taken: set[str]) -> str:
    """A login not in ``taken`` (compared case-insensitively); adds it to ``taken``."""
    base = login_base(surname, name, patronymic)
    login, n = base, 1
    while login.lower() in taken:
        n += 1
        login = f"{base}{n}"
    taken.add(login.lower())
    return login


def taken_logins() -> set[str]:
    return {u.lower() for u in User.objects.values_list("username", flat=True)}


def one_time_password() -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password


# --- Slips ------------------------------------------------------------------------------------------------


@dataclass
class Slip:
    user: User
    password: str
    role: str
    school_class: str = ""
    children: list[str] = field(default_factory=list)


def _hash_all(passwords: list[str]) -> list[str]:
    """Hash in threads: the PBKDF2 of ``hashlib`` releases the GIL, and a class is ~90 people."""
    if len(passwords) < 4:
        return [make_password(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        return list(pool.map(make_password, passwords))


def credentials_issue(*, users: Iterable[User], by: User) -> dict[int, str]:
    """New one-time passwords for ``users``: user id → password (shown once, never stored in clear).

    The old password stops working at once (and with it the user's sessions); the new one must be
    changed at the first login.
    """
    users = list(users)
    passwords = [one_time_password() for _ in users]
    hashes = _hash_all(passwords)
    now = timezone.now()
    with transaction.atomic():
        for user, hashed in zip(users, hashes, strict=True):
            user.password = hashed
            user.must_change_password = True
        User.objects.bulk_update(users, ["password", "must_change_password"], batch_size=500)
        CredentialIssue.objects.bulk_create(
            [CredentialIssue(user=user, issued_by=by, issued_at=now) for user in users], batch_size=500
        )
    return {user.pk: password for user, password in zip(users, passwords, strict=True)}


class Recipients:
    NEW = "new"
    UNSIGNED = "unsigned"
    ALL = "all"

    CHOICES = [
        (NEW, "кому пароль ещё не выдавался"),
        (UNSIGNED, "всем, кто ещё не расписался в получении"),
        (ALL, "всем (старые пароли перестанут действовать)"),
    ]


def class_people(*, school_class, students: bool = True, parents: bool = True, recipients: str = Recipients.NEW):
    """(students, parents) of a class who get slips: active students, and parents with an open guardianship."""
    student_rows = list(
        Student.objects.filter(school_class=school_class, is_active=True)
        .select_related("user", "school_class")
        .order_by("user__surname", "user__name")
    )
    guardianships = list(
        Guardianship.objects.filter(
            student__in=student_rows, status__in=[Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE]
        )
        .select_related("parent", "student__user")
        .order_by("parent__surname", "parent__name")
    )
    children: dict[int, list[str]] = {}
    parent_users: dict[int, User] = {}
    for g in guardianships:
        parent_users[g.parent_id] = g.parent
        children.setdefault(g.parent_id, []).append(g.student.user.full_name)
    candidates = ([s.user for s in student_rows] if students else []) + (list(parent_users.values()) if parents else [])
    ids = [u.pk for u in candidates]
    if recipients == Recipients.NEW:
        skip = set(CredentialIssue.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
        skip |= set(CredentialReceipt.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    elif recipients == Recipients.UNSIGNED:
        skip = set(CredentialReceipt.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    else:
        skip = set()
    chosen_students = [s for s in student_rows if students and s.user_id not in skip]
    chosen_parents = [u for u in parent_users.values() if parents and u.pk not in skip]
    return chosen_students, chosen_parents, children


def class_slips(
    *, school_class, by: User, students: bool = True, parents: bool = True, recipients: str = Recipients.NEW
) -> list[Slip]:
    """Issue one-time passwords to a class's students and parents and return their slips (for the PDF)."""
    chosen_students, chosen_parents, children = class_people(
        school_class=school_class, students=students, parents=parents, recipients=recipients
    )
    users = [s.user for s in chosen_students] + chosen_parents
    passwords = credentials_issue(users=users, by=by)
    label = str(school_class)
    slips = [Slip(s.user, passwords[s.user_id], _("обучающийся"), label) for s in chosen_students]
    slips += [
        Slip(u, passwords[u.pk], _("родитель (законный представитель)"), label, children.get(u.pk, []))
        for u in chosen_parents
    ]
    return slips


def staff_slips(*, by: User) -> list[Slip]:
    """One-time passwords for the teachers who never got one here and have no other password yet."""
    teachers = list(
        User.objects.filter(teacher__isnull=False, is_active=True, credential_issues__isnull=True)
        .order_by("surname", "name", "patronymic")
        .distinct()
    )
    teachers = [t for t in teachers if not t.has_usable_password()]
    passwords = credentials_issue(users=teachers, by=by)
    return [Slip(t, passwords[t.pk], _("учитель")) for t in teachers]


def user_slip(*, user: User, by: User) -> Slip:
    """A new one-time password for one person (a lost slip, a teacher)."""
    password = credentials_issue(users=[user], by=by)[user.pk]
    student = getattr(user, "student", None) if user.has_role(Role.STUDENT) else None
    children = [
        g.student.user.full_name
        for g in Guardianship.objects.filter(
            parent=user, status__in=[Guardianship.Status.APPLIED, Guardianship.Status.ACTIVE]
        ).select_related("student__user")
    ]
    if student is not None:
        role = _("обучающийся")
    elif children:
        role = _("родитель (законный представитель)")
    else:
        role = _("сотрудник")
    return Slip(user, password, role, str(student.school_class) if student else "", children)


# --- Receipts ---------------------------------------------------------------------------------------------


def receipt_record(*, user: User, number: str, date: datetime.date, by: User) -> CredentialReceipt:
    """Документ о получении учётной записи (п. 3.3): the signed slip's number and date."""
    number = (number or "").strip()
    if not number:
        raise ValidationError(_("Укажите номер документа."))
    if date > timezone.localdate():
        raise ValidationError(_("Дата получения не может быть в будущем."))
    receipt, _created = CredentialReceipt.objects.update_or_create(
        user=user, defaults={"number": number[:32], "date": date, "recorded_by": by}
    )
    return receipt
