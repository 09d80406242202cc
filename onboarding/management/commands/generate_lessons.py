"""``manage.py generate_lessons --period <id> [--class 5А] [--dry-run]``: lessons from the timetable."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from journal.models import HistoryEntry, SchoolClass, StudyPeriod, User
from onboarding import generation, tables


class Command(BaseCommand):
    help = (
        "Создаёт уроки учебного периода по недельному расписанию: на каждый учебный день, кроме каникул, "
        "праздников и воскресений; в дни переноса — по расписанию указанного дня недели. Повторный запуск "
        "добавляет только недостающие уроки; урок, которого нет в расписании, удаляется, только если на нём "
        "ничего нет (отметок, посещаемости, темы, домашнего задания, записей истории, ручных изменений). "
        "--dry-run показывает, что будет сделано, ничего не записывая."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="id учебного периода (четверти или полугодия)")
        parser.add_argument("--class", dest="school_class", help="только один класс, например 5А")
        parser.add_argument("--dry-run", action="store_true", help="только показать, что будет сделано")
        parser.add_argument("--user", help="логин, от имени которого записываются удаления в историю журнала")

    def handle(self, *args, period, school_class, dry_run, user, **options):
        found = StudyPeriod.objects.select_related("year").filter(pk=period).first()
        if found is None:
            raise CommandError(f"Учебного периода с id {period} нет.")
        classes = None
        if school_class:
            try:
                grade, letter = tables.parse_class_label(school_class)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            classes = list(SchoolClass.objects.filter(year_id=found.year_id, grade=grade, letter=letter))
            if not classes:
                raise CommandError(f"Класса {school_class} в {found.year} нет.")
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Пользователя {user} нет.")
        try:
            if dry_run:
                plan = generation.generation_plan(period=found, classes=classes)
            else:
                plan = generation.generation_apply(
                    period=found, classes=classes, by=by, source=HistoryEntry.Source.COMMAND
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        prefix = "Проверка (ничего не записано). " if dry_run else "Готово. "
        self.stdout.write(prefix + plan.summary())
        for label, count in plan.added_by_class():
            self.stdout.write(f"  {label}: добавить {count}")
        for lesson in plan.to_remove:
            self.stdout.write(f"  удалить: {lesson.date:%d.%m.%Y}, {lesson.number} урок — {lesson.assignment.title}")
        for kept in plan.kept:
            lesson = kept.lesson
            self.stdout.write(
                f"  оставить вне расписания: {lesson.date:%d.%m.%Y}, {lesson.number} урок — "
                f"{lesson.assignment.title} ({kept.reason})"
            )
