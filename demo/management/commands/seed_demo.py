"""``manage.py seed_demo``: the demo school МАОУ СОШ № 84 with a term of journal behind it."""

import argparse
import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.accounts import accounts_table
from demo.build import DEFAULT_SEED, DEMO_PASSWORD, build_demo, demo_school_exists
from demo.plan import FULL_CLASS_COUNT, GAPS, SMALL_CLASS_COUNT
from demo.reset import wipe_demo
from demo.write import DemoSeedError
from journal import pagecache
from journal.models import HistoryEntry
from journal.services import Origin
from journal.services.baseline import baseline_all

COUNT_LABELS = [
    ("classes", "классов"),
    ("students", "учеников"),
    ("parents", "родителей"),
    ("teachers", "учителей (карточек)"),
    ("users", "учётных записей"),
    ("guardianships", "законных представительств"),
    ("diary_permissions", "прав на дневник"),
    ("credential_receipts", "документов о получении учётной записи"),
    ("subjects", "предметов"),
    ("assignments", "учебных нагрузок"),
    ("timetable_slots", "уроков в расписании (по всем периодам)"),
    ("planned_topics", "тем КТП"),
    ("lessons", "уроков"),
    ("marks", "отметок"),
    ("attendance", "отметок посещаемости"),
    ("period_marks", "отметок за период"),
    ("history", "записей истории"),
    ("diary_visits", "посещений дневника"),
]


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"дата в виде ГГГГ-ММ-ДД, а не «{value}»") from None


SEED = Origin(by=None, source=HistoryEntry.Source.SEED)


class Command(BaseCommand):
    help = (
        "Создаёт демонстрационную школу МАОУ СОШ № 84 (2026/27 учебный год): 45 классов, около 1200 учеников, "
        "2000 родителей и 80 учителей, расписание, КТП, уроки с 1 сентября по сегодняшний день с темами, "
        "домашними заданиями, отметками и посещаемостью, отметки за I четверть, посещения дневника — и "
        "нарочно оставленные нарушения для панели контроля. У всех демо-пользователей пароль "
        f"«{DEMO_PASSWORD}». Если демо-школа уже есть, только печатает учётные записи; --reset удаляет "
        "демо-данные и создаёт школу заново. Работает только при DEBUG=true (иначе нужен --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="удалить все демо-данные (журнал, историю, учётные записи, кроме суперпользователей) и создать заново",
        )
        parser.add_argument("--force", action="store_true", help="разрешить запуск при DEBUG=false")
        parser.add_argument(
            "--today",
            type=_date,
            help="«сегодняшняя» дата ГГГГ-ММ-ДД: до неё создаются уроки и отметки (по умолчанию — текущая дата)",
        )
        size = parser.add_mutually_exclusive_group()
        size.add_argument(
            "--classes",
            type=int,
            default=FULL_CLASS_COUNT,
            help=f"сколько классов создать, 1–{FULL_CLASS_COUNT} (по умолчанию {FULL_CLASS_COUNT})",
        )
        size.add_argument(
            "--small", action="store_true", help=f"маленькая школа из {SMALL_CLASS_COUNT} классов (для тестов)"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="начальное значение генератора случайных чисел"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG выключен: похоже, это рабочая база. Демо-данные создаются только при DEBUG=true; "
                "если вы уверены, добавьте --force."
            )
        classes = SMALL_CLASS_COUNT if options["small"] else options["classes"]
        if not 1 <= classes <= FULL_CLASS_COUNT:
            raise CommandError(f"--classes: от 1 до {FULL_CLASS_COUNT}.")
        today = options["today"] or timezone.localdate()
        if demo_school_exists() and not options["reset"]:
            self.stdout.write("Демо-школа уже создана, ничего не изменено (пересоздать: seed_demo --reset).\n")
            self.stdout.write(accounts_table())
            return
        started = time.monotonic()
        try:
            with transaction.atomic():
                if options["reset"]:
                    wipe_demo()
                counts = build_demo(today=today, classes=classes, seed=options["seed"])
                # The school's lessons, rules, guardianships and rights enter the history as they were built,
                # so verify_journal compares every one of them from the first day.
                counts["history"] = counts.get("history", 0) + baseline_all(origin=SEED)
                pagecache.everything_changed()  # bulk inserts send no signals; a reset school reuses ids
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Демо-школа создана за {elapsed:.0f} с (уроки по {today:%d.%m.%Y})."))
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {label}: {counts.get(key, 0)}")
        self.stdout.write("\nНарочно оставленные нарушения (их находит панель контроля):")
        for gap in GAPS:
            self.stdout.write(f"  • {gap}")
        self.stdout.write(f"\nДемо-учётные записи (пароль у всех демо-пользователей: {DEMO_PASSWORD}):\n")
        self.stdout.write(accounts_table())
