"""A lesson's topic and homework (п. 3.3: «наличие сведений о темах уроков … и домашних заданиях»)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ..models import HOMEWORK_FILE_EXTENSIONS, Lesson, PlannedTopic, TeachingAssignment
from ..states import homework_state, topic_state
from .base import Action, Kind, Origin, journal_write


def lesson_topic_set(
    *, origin: Origin, lesson: Lesson, topic: str, planned_topic: PlannedTopic | None = None
) -> Lesson:
    """The lesson's topic (п. 3.3: «наличие сведений о темах уроков»), optionally linked to its КТП topic."""
    topic = " ".join((topic or "").split())
    if len(topic) > 500:
        raise ValidationError(_("Тема урока длиннее 500 символов."))
    if planned_topic is not None and planned_topic.assignment_id != lesson.assignment_id:
        raise ValidationError(_("Эта тема из КТП другого класса или предмета."))
    with journal_write(origin) as write:
        current = Lesson.objects.get(pk=lesson.pk)
        old = topic_state(current)
        current.topic = topic
        current.planned_topic = planned_topic
        if planned_topic is None and old["planned_topic"] and topic == old["topic"]:
            current.planned_topic_id = old["planned_topic"]
        new = topic_state(current)
        if new != old:
            Lesson.objects.filter(pk=lesson.pk).update(topic=topic, planned_topic=current.planned_topic_id)
            write.log(Kind.TOPIC, Action.UPDATE if old["topic"] else Action.CREATE, lesson, old=old, new=new)
    lesson.topic, lesson.planned_topic_id = current.topic, current.planned_topic_id
    return lesson


def validate_homework_file(upload: UploadedFile) -> None:
    if upload.size > settings.HOMEWORK_FILE_MAX_BYTES:
        raise ValidationError(_("Файл больше %(mb)s МБ.") % {"mb": settings.HOMEWORK_FILE_MAX_BYTES // (1024 * 1024)})
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in HOMEWORK_FILE_EXTENSIONS:
        raise ValidationError(
            _("Файлы этого типа нельзя прикрепить. Допустимы: %(list)s.")
            % {"list": ", ".join(HOMEWORK_FILE_EXTENSIONS)}
        )


def lesson_homework_set(
    *,
    origin: Origin,
    lesson: Lesson,
    text: str,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> Lesson:
    """The homework of a lesson: text and an optional attachment (п. 5: «содержание домашних заданий»)."""
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError(_("Домашнее задание длиннее 5000 символов."))
    if upload is not None:
        validate_homework_file(upload)
    with journal_write(origin) as write:
        current = Lesson.objects.get(pk=lesson.pk)
        old = homework_state(current)
        current.homework = text
        if remove_file:
            current.homework_file = ""
        if upload is not None:
            current.homework_file.save(upload.name, upload, save=False)
        new = homework_state(current)
        if new != old:
            Lesson.objects.filter(pk=lesson.pk).update(homework=text, homework_file=current.homework_file.name or "")
            write.log(
                Kind.HOMEWORK,
                Action.UPDATE if (old["homework"] or old["file"]) else Action.CREATE,
                lesson,
                old=old,
                new=new,
            )
    lesson.homework, lesson.homework_file = current.homework, current.homework_file
    return lesson


def topics_fill_from_plan(*, origin: Origin, assignment: TeachingAssignment, lessons: list[Lesson]) -> int:
    """«Заполнить из КТП»: lessons without a topic take the next planned topics in order.

    The next topic is the one after the last planned topic already used by a lesson of this assignment.
    Returns how many lessons got a topic.
    """
    with journal_write(origin) as write:
        used = (
            Lesson.objects.filter(assignment=assignment, planned_topic__isnull=False)
            .order_by("-planned_topic__position")
            .values_list("planned_topic__position", flat=True)
            .first()
        ) or 0
        topics = list(PlannedTopic.objects.filter(assignment=assignment, position__gt=used).order_by("position"))
        targets = Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons], topic="", is_held=True).order_by(
            "date", "number"
        )
        filled = 0
        for lesson, planned in zip(targets, topics, strict=False):
            old = topic_state(lesson)
            lesson.topic, lesson.planned_topic = planned.title, planned
            Lesson.objects.filter(pk=lesson.pk).update(topic=planned.title, planned_topic=planned)
            write.log(Kind.TOPIC, Action.CREATE, lesson, old=old, new=topic_state(lesson))
            filled += 1
    return filled
