"""``manage.py import_ktp <file> --assignment <id> [--spread] [--dry-run]``: a КТП from a table or a Word file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal.models import TeachingAssignment
from onboarding import services


class Command(BaseCommand):
    help = (
        "Загружает КТП учебной нагрузки из файла .xlsx, .xls, .csv или .docx: КТП школы или «Поурочное "
        "планирование» конструктора рабочих программ (столбец темы обязателен; «№», «Часы», «Дата», «Вид работы», "
        "«Контрольные работы», «Практические работы» — если есть). Тематическое планирование загружается только с "
        "--spread: тема на N часов становится N уроками. Файл с ошибками не загружается: ошибки выводятся с "
        "номерами строк. Повторная загрузка обновляет темы с теми же названиями, удаляет прочие, а темы, уже "
        "взятые уроками, оставляет. --dry-run печатает то же, что страница проверки, и ничего не записывает."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="файл .xlsx, .xls, .csv или .docx")
        parser.add_argument("--assignment", type=int, required=True, help="id учебной нагрузки")
        parser.add_argument("--spread", action="store_true", help="разбить темы тематического планирования на уроки")
        parser.add_argument("--dry-run", action="store_true", help="только проверить и показать, что изменится")

    def handle(self, *args, file, assignment, spread, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файла {file} нет.")
        found = TeachingAssignment.objects.select_related("school_class__year", "subject").filter(pk=assignment).first()
        if found is None:
            raise CommandError(f"Учебной нагрузки с id {assignment} нет.")
        outcome = services.ktp_import(
            assignment=found, data=path.read_bytes(), filename=path.name, spread=spread, dry_run=dry_run
        )
        out = self.stdout if outcome.result is not None else self.stderr
        out.write(f"{found.title}")
        for line in outcome.lines()[:-1]:
            out.write(str(line))
        if outcome.result is None:
            raise CommandError(outcome.summary())
        self.stdout.write(outcome.summary())
