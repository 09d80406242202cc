from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from journal.verify import checks, head_position


class Command(BaseCommand):
    help = (
        "Проверяет журнал по его истории: цепочку хешей и её конец; то, что каждая отметка, посещаемость, отметка "
        "за период, урок (дата, номер, тема, домашнее задание), правило (сроки, периоды, календарь, виды работ), "
        "роли пользователей и законные представительства совпадают с последней записью истории; что родители "
        "читают дневники ровно своих детей. С --head <хеш> говорит, есть ли в цепочке конец, напечатанный на "
        "ведомости. Завершается с ненулевым кодом, если найдено изменение в обход журнала."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            metavar="ХЕШ",
            help="конец цепочки, напечатанный на сводной ведомости или журнале регистрации заявлений",
        )

    def handle(self, *args, head=None, **options):
        if head:
            self._head(head)
        problems = 0
        for title, check in checks():
            found = 0
            for problem in check():
                found += 1
                self.stdout.write(self.style.ERROR(f"  {problem}"))
            status = self.style.SUCCESS("в порядке") if not found else self.style.ERROR(f"нарушений: {found}")
            self.stdout.write(f"{title}: {status}")
            problems += found
        if problems:
            raise CommandError(f"Журнал не прошёл проверку: {problems} нарушений.")
        self.stdout.write(self.style.SUCCESS("Журнал прошёл проверку."))

    def _head(self, head: str) -> None:
        entry, after = head_position(head)
        if entry is None:
            raise CommandError(
                f"Конца цепочки {head} в истории нет: эта база данных не содержит записей, которые были, когда "
                "печатался документ (восстановлена из более старой копии или подменена)."
            )
        at = timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M")
        self.stdout.write(
            self.style.SUCCESS(
                f"Конец цепочки {head[:12]}… есть в истории: запись № {entry.pk} от {at}; после неё записей: {after}."
            )
        )
