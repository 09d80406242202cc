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

One module a kind of file, each with its columns (``FIELDS``, header row anywhere in the first 30 rows, any
order, synonyms accepted), the column sets that identify it (``SIGNATURES``) and its row handler; ``rows``
holds what they share.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from journal.models import AcademicYear, School, User

from .. import tables
from ..selectors import default_year
from . import parents, students, teachers
from .rows import Context, ImportReport, Kind, RowRefused, RowResult

__all__ = ["ImportReport", "Kind", "RowResult", "detect_kind", "people_import"]

#: Kind → its module. The order is the order ``detect_kind`` tries them in: a parents' file has a «Класс»
#: column too, so it is tried before the students'.
KINDS = {Kind.PARENTS: parents, Kind.TEACHERS: teachers, Kind.STUDENTS: students}


#: What each kind of file needs, in words, for the message when the kind is not found.
KIND_NEEDS = {
    Kind.PARENTS: ("fio", "child_record", "child_fio"),
    Kind.TEACHERS: ("fio", "subjects", "position"),
    Kind.STUDENTS: ("fio", "class"),
}


def _kind_error(closest: tables.Header | None) -> ValidationError:
    lines = [
        _(
            "Не удалось понять, кто в файле: нужны столбцы «Фамилия» (или «ФИО») и «Класс» — для учеников; "
            "«№ личного дела ребёнка» или «ФИО ребёнка» — для родителей; «Предметы» или «Должность» — для учителей."
        )
    ]
    named = {}
    for kind, module in KINDS.items():
        for name in KIND_NEEDS[kind]:
            named.setdefault(module.FIELDS[name][0], module.FIELDS[name])
    lines.append(
        _("Подходящие названия столбцов: %(list)s.")
        % {
            "list": "; ".join(
                f"{tables.display_name(label)} — {tables.accepted_names(names)}" for label, names in named.items()
            )
        }
    )
    if closest is not None:
        lines.append(
            _("В строке %(row)s файла столбцы: %(cols)s.")
            % {"row": closest.top + 1, "cols": ", ".join(f"«{t}»" for t in closest.shown if t)}
        )
    return ValidationError(" ".join(lines))


def detect_kind(data: bytes, filename: str) -> str:
    """Which kind of people a file lists, from its header."""
    closest = None
    for grid in tables.read_grids(data, filename):
        for kind, module in KINDS.items():
            for required in module.SIGNATURES:
                header, near = tables.locate_header(grid, fields=module.FIELDS, required=required)
                if header is not None:
                    return kind
                if near is not None and (closest is None or len(near.columns) > len(closest.columns)):
                    closest = near
    raise _kind_error(closest)


def _read(kind: str, data: bytes, filename: str) -> tables.Table:
    """The file's table by the first signature of the kind that fits; none → the message of the closest one."""
    errors = []
    for required in KINDS[kind].SIGNATURES:
        try:
            return tables.read_table(data, filename, fields=KINDS[kind].FIELDS, required=required)
        except tables.HeaderNotFound as error:
            errors.append(error)
    raise min(errors, key=lambda error: error.missing)


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
    report.header_row, report.skipped = table.header_row, table.skipped
    year = year or default_year()
    school = School.objects.order_by("pk").first()
    if year is None or school is None:
        report.error = _("Сначала заведите карточку ОУ и учебный год (администрирование).")
        return report
    if not table.rows:
        report.error = _("Под строкой заголовка нет ни одной строки.")
        return report
    handler = KINDS[kind].import_row
    with transaction.atomic():
        ctx = Context(year=year, school=school, by=by)
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
