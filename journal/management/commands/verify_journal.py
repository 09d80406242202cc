from django.core.management.base import BaseCommand, CommandError

from journal.verify import verify_chain, verify_state


class Command(BaseCommand):
    help = (
        "Проверяет историю журнала: цепочку хешей и то, что каждая текущая отметка, посещаемость, "
        "отметка за период, тема и домашнее задание совпадают с последней записью истории. "
        "Завершается с ненулевым кодом, если найдено изменение в обход журнала."
    )

    def handle(self, *args, **options):
        problems = 0
        for title, check in (("Цепочка истории", verify_chain), ("Журнал и история", verify_state)):
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
