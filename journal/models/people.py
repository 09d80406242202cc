"""People: users and their roles, teacher and student cards, guardianship."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Role(models.TextChoices):
    """The roles of DESIGN.md; each is an auth group of the same name (created by a data migration)."""

    TEACHER = "Учитель", _("Учитель")
    CLASS_TEACHER = "Классный руководитель", _("Классный руководитель")
    DEPUTY = "Заместитель директора", _("Заместитель директора")
    DIRECTOR = "Директор", _("Директор")
    SYSADMIN = "Системный администратор", _("Системный администратор")
    PARENT = "Родитель", _("Родитель (законный представитель)")
    STUDENT = "Обучающийся", _("Обучающийся")


class User(AbstractUser):
    """A person who logs in. Names are kept the Russian way: surname, name, patronymic."""

    first_name = None
    last_name = None
    surname = models.CharField(_("фамилия"), max_length=80)
    name = models.CharField(_("имя"), max_length=80)
    patronymic = models.CharField(_("отчество"), max_length=80, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    must_change_password = models.BooleanField(
        _("сменить пароль при входе"),
        default=False,
        help_text=_("Выданный одноразовый пароль нужно сменить при первом входе."),
    )

    objects = DjangoUserManager()

    REQUIRED_FIELDS = ["surname", "name", "email"]

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["surname", "name", "patronymic"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """«Иванова А. П.» — surname and initials."""
        initials = " ".join(f"{part[0]}." for part in (self.name, self.patronymic) if part)
        return f"{self.surname} {initials}".strip() or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.short_name

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names


class Teacher(models.Model):
    """Карточка учителя (п. 3.3: сведения о педагогическом коллективе)."""

    class Category(models.TextChoices):
        NONE = "", _("без категории")
        FIRST = "first", _("первая")
        HIGHEST = "highest", _("высшая")
        CONFORMITY = "conformity", _("соответствие занимаемой должности")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teacher")
    school = models.ForeignKey("journal.School", on_delete=models.PROTECT, related_name="teachers")
    position = models.CharField(_("должность"), max_length=120, default="учитель")
    education = models.CharField(_("образование"), max_length=255, blank=True)
    category = models.CharField(_("квалификационная категория"), max_length=20, choices=Category, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("педагогический стаж, лет"), null=True, blank=True)
    subjects = models.ManyToManyField("journal.Subject", verbose_name=_("предметы"), blank=True)

    class Meta:
        verbose_name = _("карточка учителя")
        verbose_name_plural = _("карточки учителей")
        ordering = ["user__surname", "user__name"]

    def __str__(self) -> str:
        return self.user.short_name

    #: Fields a complete card must have (compliance: «карточка учителя»).
    REQUIRED_FIELDS = ("position", "education", "category")

    def missing_fields(self) -> list[str]:
        missing = [str(self._meta.get_field(f).verbose_name) for f in self.REQUIRED_FIELDS if not getattr(self, f)]
        if not self.user.email and not self.user.phone:
            missing.append(str(_("контакт (e-mail или телефон)")))
        return missing


class StudentQuerySet(models.QuerySet):
    def studying(self):
        """Students who study at the school now (a leaver's card stays, inactive)."""
        return self.filter(is_active=True)

    def of_assignment(self, assignment):
        """The students a teaching assignment teaches: its class, or its group (the one rule everywhere)."""
        students = self.studying().filter(school_class_id=assignment.school_class_id)
        if assignment.group_id:
            students = students.filter(study_groups=assignment.group_id)
        return students

    def alphabetical(self):
        """By surname, name and patronymic, with the user (the order of every list of students)."""
        return self.select_related("user").order_by("user__surname", "user__name", "user__patronymic")


class Student(models.Model):
    """Карточка ученика. Parents' diary rights are object permissions on this row."""

    class Gender(models.TextChoices):
        MALE = "m", _("мужской")
        FEMALE = "f", _("женский")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="student")
    school_class = models.ForeignKey(
        "journal.SchoolClass", on_delete=models.PROTECT, related_name="students", verbose_name=_("класс")
    )
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    gender = models.CharField(_("пол"), max_length=1, choices=Gender, blank=True)
    record_number = models.CharField(_("номер личного дела"), max_length=32, blank=True)
    address = models.CharField(_("адрес"), max_length=255, blank=True)
    is_active = models.BooleanField(_("обучается"), default=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("карточка ученика")
        verbose_name_plural = _("карточки учеников")
        ordering = ["user__surname", "user__name", "user__patronymic"]
        permissions = [("view_diary", _("Просмотр электронного дневника ученика"))]
        constraints = [
            models.UniqueConstraint(
                fields=["record_number"],
                condition=~Q(record_number=""),
                name="journal_student_record_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.user.full_name

    REQUIRED_FIELDS = ("birth_date", "gender", "record_number")

    def missing_fields(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in self.REQUIRED_FIELDS if not getattr(self, f)]


class StudentUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permissions (guardian): a deleted student takes its grants with it."""

    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("право пользователя на ученика")
        verbose_name_plural = _("права пользователей на учеников")


class StudentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Student, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("право группы на ученика")
        verbose_name_plural = _("права групп на учеников")


class GuardianshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Guardianship.Status.ACTIVE)


class Guardianship(models.Model):
    """Parent (законный представитель) ↔ student, with the access application (п. 1.12, заявительный порядок).

    The diary permission exists exactly while the guardianship is active; see ``onboarding.guardianships``.
    """

    class Kind(models.TextChoices):
        MOTHER = "mother", _("мать")
        FATHER = "father", _("отец")
        GUARDIAN = "guardian", _("опекун (попечитель)")
        OTHER = "other", _("иной законный представитель")

    class Status(models.TextChoices):
        APPLIED = "applied", _("заявление подано")
        ACTIVE = "active", _("доступ предоставлен")
        REJECTED = "rejected", _("в доступе отказано")
        ENDED = "ended", _("доступ прекращён")

    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guardianships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    kind = models.CharField(_("кем приходится"), max_length=16, choices=Kind, default=Kind.MOTHER)
    status = models.CharField(_("состояние"), max_length=16, choices=Status, default=Status.APPLIED)
    application_number = models.CharField(_("номер заявления"), max_length=32, blank=True)
    application_date = models.DateField(_("дата заявления"), null=True, blank=True)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    ended_at = models.DateTimeField(_("доступ прекращён"), null=True, blank=True)
    end_reason = models.CharField(_("основание прекращения"), max_length=255, blank=True)

    objects = GuardianshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("законное представительство")
        verbose_name_plural = _("законные представители")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "student"],
                condition=Q(status__in=["applied", "active"]),
                name="journal_guardianship_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_at__isnull=False),
                name="journal_guardianship_ended_has_date",
            ),
        ]
        indexes = [
            # diary: «children of this parent» — guardianships by parent and status.
            models.Index(fields=["parent", "status"], name="journal_guard_parent_status"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.short_name} → {self.student.user.short_name} ({self.get_status_display()})"


class CredentialReceipt(models.Model):
    """Документ о получении учётной записи (п. 3.3): a parent or student signed for their login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_receipt")
    number = models.CharField(_("номер документа"), max_length=32)
    date = models.DateField(_("дата получения"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        verbose_name = _("документ о получении учётной записи")
        verbose_name_plural = _("документы о получении учётных записей")

    def __str__(self) -> str:
        return f"№ {self.number} от {self.date:%d.%m.%Y} — {self.user.short_name}"
