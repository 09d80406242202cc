"""The ledger moves home: the edit windows and the journal's history, from ``audit`` to ``journal``.

State only: the tables keep their names (``audit_editwindow``, ``audit_historyentry``, ``audit_historyhead``)
and their rows, triggers, constraints and indexes; not a row is copied. ``audit`` 0007 removes the models from
its own state. The content types (and with them the permissions the roles hold, and the admin's log) are
renamed to the new app, so nothing that pointed at the old models is lost.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("editwindow", "historyentry", "historyhead")


def move_content_types(apps, schema_editor, *, source="audit", target="journal"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            # Created for the new app before this ran (never on a database migrated in order): the old one,
            # with the permissions the roles hold, wins.
            if ContentType.objects.using(db).filter(app_label=source, model=model).exists():
                ContentType.objects.using(db).filter(app_label=target, model=model).delete()
            else:
                continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="journal", target="audit")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("journal", "0005_drop_unused_indexes"),
        # The tables are created by audit's migrations: the journal takes them over once they exist.
        ("audit", "0006_compliance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EditWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="правило")),
                        (
                            "entry",
                            models.CharField(
                                choices=[
                                    ("mark", "текущая отметка"),
                                    ("attendance", "посещаемость"),
                                    ("period_mark", "отметка за четверть / полугодие"),
                                    ("year_mark", "годовая и итоговая отметка"),
                                ],
                                max_length=16,
                                verbose_name="запись",
                            ),
                        ),
                        (
                            "work_category",
                            models.CharField(
                                blank=True,
                                help_text="Только для отметок; пусто — любая категория.",
                                max_length=10,
                                verbose_name="категория работы",
                            ),
                        ),
                        (
                            "russian_or_literature_only",
                            models.BooleanField(default=False, verbose_name="только русский язык и литература"),
                        ),
                        ("min_grade", models.PositiveSmallIntegerField(default=1, verbose_name="с класса")),
                        ("max_grade", models.PositiveSmallIntegerField(default=11, verbose_name="по класс")),
                        (
                            "create_anchor",
                            models.CharField(
                                choices=[
                                    ("lesson_date", "дата урока (работы)"),
                                    ("order_deadline", "срок по приказу"),
                                    ("period_end", "окончание периода"),
                                ],
                                max_length=16,
                                verbose_name="создать: от",
                            ),
                        ),
                        ("create_days", models.SmallIntegerField(verbose_name="создать: дней")),
                        (
                            "change_anchor",
                            models.CharField(
                                choices=[
                                    ("lesson_date", "дата урока (работы)"),
                                    ("order_deadline", "срок по приказу"),
                                    ("period_end", "окончание периода"),
                                ],
                                max_length=16,
                                verbose_name="изменить/удалить: от",
                            ),
                        ),
                        ("change_days", models.SmallIntegerField(verbose_name="изменить/удалить: дней")),
                        (
                            "priority",
                            models.SmallIntegerField(
                                default=0,
                                help_text="Из подходящих правил действует правило с наибольшим приоритетом.",
                                verbose_name="приоритет",
                            ),
                        ),
                        (
                            "regulation_ref",
                            models.CharField(default="п. 3.3", max_length=40, verbose_name="пункт положения"),
                        ),
                    ],
                    options={
                        "verbose_name": "срок редактирования",
                        "verbose_name_plural": "сроки редактирования (п. 3.3)",
                        "db_table": "audit_editwindow",
                        "ordering": ["entry", "-priority"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("max_grade__lte", 11),
                                    ("min_grade__gte", 1),
                                    ("min_grade__lte", models.F("max_grade")),
                                ),
                                name="audit_editwindow_grades",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("change_days__gte", 0), ("create_days__gte", 0)),
                                name="audit_editwindow_days_nonnegative",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoryHead",
                    fields=[
                        ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                        (
                            "last_hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "конец цепочки истории",
                        "verbose_name_plural": "конец цепочки истории",
                        "db_table": "audit_historyhead",
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_historyhead_singleton")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoryEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True, verbose_name="когда")),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("grid", "журнал"),
                                    ("admin", "админка"),
                                    ("import", "импорт"),
                                    ("command", "команда"),
                                    ("late_change", "изменение по заявлению"),
                                    ("seed", "демо-данные"),
                                ],
                                max_length=12,
                                verbose_name="откуда",
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(
                                blank=True, help_text="номер заявления", max_length=64, verbose_name="основание"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("mark", "отметка"),
                                    ("attendance", "посещаемость"),
                                    ("topic", "тема урока"),
                                    ("homework", "домашнее задание"),
                                    ("period_mark", "отметка за период"),
                                    ("lesson", "урок"),
                                ],
                                max_length=12,
                                verbose_name="запись",
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("create", "создание"),
                                    ("update", "изменение"),
                                    ("delete", "удаление"),
                                    ("refused", "отклонено"),
                                ],
                                max_length=8,
                                verbose_name="действие",
                            ),
                        ),
                        ("object_id", models.BigIntegerField(null=True, verbose_name="id записи")),
                        ("lesson_id", models.BigIntegerField(null=True)),
                        ("student_id", models.BigIntegerField(null=True)),
                        ("old", models.JSONField(null=True, verbose_name="было")),
                        ("new", models.JSONField(null=True, verbose_name="стало")),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="кто",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "запись истории",
                        "verbose_name_plural": "история журнала",
                        "db_table": "audit_historyentry",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(fields=["kind", "object_id", "id"], name="audit_history_object"),
                            models.Index(fields=["lesson_id", "student_id"], name="audit_history_lesson_student"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
