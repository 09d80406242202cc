"""``manage.py import_ktp <file> --assignment <id> [--dry-run]``: a КТП from XLSX or CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal.models import TeachingAssignment
from onboarding import ktp, services


class Command(BaseCommand):
    help = (
        "Загружает КТП учебной нагрузки из файла XLSX или CSV (столбцы «№», «Тема», «Часы», «Дата»). Файл с "
        "ошибками не загружается: ошибки выводятся с номерами строк. Повторная загрузка заменяет темы, кроме "
        "уже использованных в уроках: такая тема обновляется, если в файле есть тема с тем же названием, "
        "иначе остаётся в конце. --dry-run только проверяет."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="файл .xlsx или .csv")
        parser.add_argument("--assignment", type=int, required=True, help="id учебной нагрузки")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")

    def handle(self, *args, file, assignment, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Файла {file} нет.")
        found = TeachingAssignment.objects.select_related("school_class__year", "subject").filter(pk=assignment).first()
        if found is None:
            raise CommandError(f"Учебной нагрузки с id {assignment} нет.")
        parsed = ktp.parse_ktp(path.read_bytes(), path.name, assignment=found)
        if parsed.errors:
            for row, error in parsed.errors:
                self.stderr.write(f"строка {row}: {error}" if row else str(error))
            raise CommandError("КТП не загружено: исправьте строки с ошибками.")
        result = services.ktp_replace(assignment=found, topics=parsed.topics, dry_run=dry_run)
        prefix = "Проверка (ничего не записано): " if dry_run else "КТП загружено: "
        self.stdout.write(
            f"{prefix}{found.title} — новых тем {len(result.created)}, обновлено {len(result.updated)}, "
            f"оставлено (уже в уроках) {len(result.kept)}, удалено {len(result.deleted)}."
        )
