"""The demo accounts, one per role, and the table ``seed_demo`` prints about them."""

from journal.models import Guardianship, User

from .build import DEMO_PASSWORD
from .plan import DEMO_USERNAMES

#: login → role as shown in the table
ROLE_LABELS = {
    "teacher": "Учитель, классный руководитель",
    "teacher2": "Учитель",
    "deputy": "Заместитель директора",
    "director": "Директор",
    "sysadmin": "Системный администратор",
    "parent": "Родитель",
    "student": "Обучающийся",
}
DEMO_ACCOUNTS = [(login, ROLE_LABELS[login]) for login in DEMO_USERNAMES]


def _classes(user: User) -> str:
    labels = sorted(
        {(a.school_class.grade, a.school_class.letter) for a in user.assignments.select_related("school_class")}
    )
    return ", ".join(f"{grade}{letter}" for grade, letter in labels) or "—"


def _what_they_see(login: str, user: User) -> str:
    if login == "teacher":
        led = ", ".join(str(c) for c in user.led_classes.all()) or "—"
        return f"журнал своих классов ({_classes(user)}), КТП; классный руководитель {led}"
    if login == "teacher2":
        return f"журнал своих классов ({_classes(user)}); тот же класс, что у teacher, — свой предмет"
    if login == "deputy":
        return "панель контроля /audit/, просмотр всего в /admin/, сроки редактирования"
    if login == "director":
        return "панель контроля /audit/, согласование заявлений на изменения"
    if login == "sysadmin":
        return "/admin/: учётные записи, справочники, применение согласованных изменений"
    if login == "parent":
        children = (
            Guardianship.objects.active()
            .filter(parent=user)
            .select_related("student__user", "student__school_class")
            .order_by("student__school_class__grade")
        )
        listed = ", ".join(f"{g.student.user.short_name} ({g.student.school_class})" for g in children)
        return f"дневник своих детей: {listed or '—'}"
    if login == "student":
        student = getattr(user, "student", None)
        return f"свой дневник ({student.school_class})" if student else "свой дневник"
    return ""


def account_rows() -> list[tuple[str, str, str, str, str]]:
    """(роль, логин, пароль, ФИО, что видит) for each demo account found in the database."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    rows = []
    for login, role in DEMO_ACCOUNTS:
        user = users.get(login)
        if user is None:
            rows.append((role, login, "—", "нет в базе", "запустите seed_demo --reset"))
        else:
            rows.append((role, login, DEMO_PASSWORD, user.full_name, _what_they_see(login, user)))
    return rows


def accounts_table() -> str:
    header = ("Роль", "Логин", "Пароль", "ФИО", "Что видит")
    rows = [header, *account_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(row) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows[1:])])
