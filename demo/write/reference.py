"""The school card, the year with its periods and holidays, the bells, the subjects; the work types are checked."""

import datetime

from journal.models import AcademicYear, Bell, Holiday, School, StudyPeriod, Subject, WorkType

from .. import curriculum as cur
from . import DemoSeedError, Written

SCHOOL = {
    "name": (
        "Муниципальное автономное общеобразовательное учреждение муниципального образования город Краснодар "
        "средняя общеобразовательная школа № 84"
    ),
    "short_name": "МАОУ СОШ № 84",
    "address": "350059, г. Краснодар, ул. Уральская, д. 84",
    "phone": "+7 (861) 234-84-84",
    "email": "school84@krd.example",
    "website": "https://school84.krd.example",
}


def write_reference(w: Written) -> None:
    director = w.plan.staff["director"]
    w.school = School.objects.create(**SCHOOL, director_name=director.full_name)
    calendar = w.plan.calendar
    w.year = AcademicYear.objects.create(
        start=calendar.year_start, end=calendar.year_end, marks_deadline=calendar.marks_deadline
    )
    periods = [
        StudyPeriod(year=w.year, kind=p.kind, number=p.number, start=p.start, end=p.end, marks_deadline=p.deadline)
        for p in calendar.periods
    ]
    StudyPeriod.objects.bulk_create(periods)
    w.periods = {(p.kind, p.number): p for p in periods}
    Holiday.objects.bulk_create(
        [Holiday(year=w.year, name=name, start=start, end=end) for name, start, end in calendar.holidays]
    )
    bells = [
        Bell(
            school=w.school,
            number=number,
            starts=datetime.time.fromisoformat(starts),
            ends=datetime.time.fromisoformat(ends),
        )
        for number, (starts, ends) in enumerate(cur.BELLS, start=1)
    ]
    Bell.objects.bulk_create(bells)
    w.bell_start = {bell.number: bell.starts for bell in bells}
    existing = {s.name: s for s in Subject.objects.filter(name__in=[info.name for info in cur.SUBJECTS])}
    missing = [
        Subject(name=info.name, short_name=info.short_name, is_russian_or_literature=info.is_russian_or_literature)
        for info in cur.SUBJECTS
        if info.name not in existing
    ]
    Subject.objects.bulk_create(missing)
    existing.update({s.name: s for s in missing})
    w.subjects = {info.key: existing[info.name] for info in cur.SUBJECTS}
    w.counts["subjects"] = len(w.subjects)
    w.work_types = {t.name: t for t in WorkType.objects.filter(name__in=cur.WORK_TYPE_NAMES)}
    absent = [name for name in cur.WORK_TYPE_NAMES if name not in w.work_types]
    if absent:
        raise DemoSeedError("Нет видов работ из миграции journal 0002: " + ", ".join(absent) + ". Выполните migrate.")
