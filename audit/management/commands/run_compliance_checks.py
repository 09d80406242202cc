import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.compliance import reminders, services
from audit.compliance.checks import CRITERIA
from journal.models import School
from journal.windows import SCHOOL_TZ, start_of_day

JOBS = ("deadlines", "visits", "reminders")


class Command(BaseCommand):
    help = (
        "Выполняет проверки п. 3.3 положения для панели заместителя директора — то же, что ночные задачи "
        "Celery, но сразу и без Redis: сроки (КТП, расписание, карточки, темы и домашние задания, "
        "посещаемость, отметки в течение 10 дней, отметки за период после срока по приказу) и статистику "
        "посещений дневника. С --reminders также рассылает учителям напоминания о сроках, истекающих завтра. "
        "Повторный запуск ничего не дублирует."
    )
    # Like the Celery tasks it stands in for, the nightly run skips Django's system checks: they import every
    # URLconf and view (WeasyPrint, openpyxl), 2 of the 5 s a one-school run took; `manage.py check` runs
    # them at deploy and in CI.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--school", type=int, action="append", dest="schools", help="id ОУ (можно несколько); по умолчанию — все"
        )
        parser.add_argument(
            "--only",
            choices=JOBS,
            action="append",
            dest="jobs",
            help="выполнить только эту часть: deadlines (сроки), visits (посещения), reminders (напоминания)",
        )
        parser.add_argument(
            "--reminders",
            action="store_true",
            help="также отправить напоминания учителям (по умолчанию не отправляются)",
        )
        parser.add_argument(
            "--history-weeks",
            type=int,
            default=0,
            metavar="N",
            help=(
                "сначала пересчитать прошлые ночи — вчерашнюю и по одной в неделю за N недель, — чтобы на панели "
                "были динамика и графики (для демо; отметки и посещения учитываются на момент той ночи)"
            ),
        )

    def handle(self, *args, **options):
        jobs = options["jobs"] or ["deadlines", "visits"] + (["reminders"] if options["reminders"] else [])
        schools = School.objects.order_by("pk")
        if options["schools"]:
            schools = schools.filter(pk__in=options["schools"])
            missing = set(options["schools"]) - {s.pk for s in schools}
            if missing:
                raise CommandError(f"Нет ОУ с id: {', '.join(map(str, sorted(missing)))}.")
        if not schools:
            self.stdout.write("ОУ нет — проверять нечего.")
            return
        if not 0 <= options["history_weeks"] <= 52:
            raise CommandError("--history-weeks: от 0 до 52.")
        started = time.monotonic()
        for school in schools:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{school} (id {school.pk})"))
            now = timezone.now()
            self._replay(school, now, options["history_weeks"])
            for job in jobs:
                if job == "reminders":
                    step = time.monotonic()
                    sent = reminders.reminders_send(school_id=school.pk, now=now)
                    self.stdout.write(f"  Напоминания: отправлено писем — {sent} ({time.monotonic() - step:.1f} с)")
                    continue
                run = services.deadline_checks_run if job == "deadlines" else services.visit_checks_run
                summary = run(school_id=school.pk, now=now)
                title = "Сроки" if job == "deadlines" else "Посещения"
                self.stdout.write(
                    f"  {title}: {summary.seconds:.1f} с, новых нарушений {summary.opened}, "
                    f"устранено {summary.resolved}"
                )
                for code, count in summary.counts.items():
                    info = CRITERIA[code]
                    mark = self.style.SUCCESS("✓") if count == 0 else self.style.WARNING("!")
                    self.stdout.write(f"    {mark} {info.title}: {count} {info.unit}")
        self.stdout.write(self.style.SUCCESS(f"Готово за {time.monotonic() - started:.1f} с."))

    def _replay(self, school, now, weeks: int) -> None:
        """Past nights at 03:00 school time, oldest first: N weeks back, week by week, then yesterday."""
        if not weeks:
            return
        today = timezone.localdate(now, SCHOOL_TZ)
        days = sorted({7 * k for k in range(1, weeks + 1)} | {1}, reverse=True)
        step = time.monotonic()
        done = 0
        for back in days:
            night = start_of_day(today - datetime.timedelta(days=back)) + datetime.timedelta(hours=3)
            try:
                services.deadline_checks_run(school_id=school.pk, now=night)
                services.visit_checks_run(school_id=school.pk, now=night)
            except services.OutOfOrder:
                continue  # already computed later than that night: the past is not rewritten
            done += 1
        skipped = f", пропущено {len(days) - done}: уже есть более поздний расчёт" if done < len(days) else ""
        self.stdout.write(f"  Прошлые ночи: {done} ({time.monotonic() - step:.1f} с){skipped}")
