"""``manage.py import_people <file> [--kind students|parents|teachers] [--dry-run]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal.models import AcademicYear
from onboarding import imports


class Command(BaseCommand):
    help = (
        "Загружает учеников, родителей или учителей из файла .xlsx, .xls, .csv или таблицы Word .docx (вид определяется по столбцам "
        "или задаётся --kind). Всё или ничего: если хоть одна строка отклонена, не записывается ничего. "
        "Повторная загрузка того же файла ничего не меняет. --dry-run показывает по каждой строке, что "
        "будет создано, изменено или отклонено и почему, ничего не записывая. Пароли не создаются: их "
        "выдают листки с логинами (страница /plan/accounts/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="файл .xlsx, .xls, .csv или .docx")
        parser.add_argument("--kind", choices=[k for k, _ in imports.Kind.CHOICES], help="кто в файле")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")
        parser.add_argument("--year", type=int, help="id учебного года для классов (по умолчанию текущий)")

    def handle(self, *args, file, kind, dry_run, year, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файла {file} нет.")
        academic_year = None
        if year:
            academic_year = AcademicYear.objects.filter(pk=year).first()
            if academic_year is None:
                raise CommandError(f"Учебного года с id {year} нет.")
        report = imports.people_import(
            data=path.read_bytes(), filename=path.name, by=None, kind=kind, dry_run=dry_run, year=academic_year
        )
        for number, why in report.skipped:
            self.stdout.write(f"{number:>5}  пропущена: {why}")
        for row in report.rows:
            details = "; ".join(str(d) for d in row.details)
            self.stdout.write(f"{row.number:>5}  {row.label:<14} {row.person}{f' — {details}' if details else ''}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(f"{report.kind_label}: {report.summary()}")
