"""English groups, the teaching assignments, the timetable of every period and the КТП."""

from decimal import Decimal

from journal.models import PlannedTopic, StudentGroup, TeachingAssignment, TimetableSlot

from . import BATCH, Written


def write_teaching(w: Written) -> None:
    plan = w.plan
    for cls in plan.classes:
        if cls.split:
            for number in (1, 2):
                w.groups[(cls, number)] = StudentGroup(
                    school_class=w.classes[cls], name=f"Английский язык, {number} группа"
                )
    StudentGroup.objects.bulk_create(list(w.groups.values()))
    Through = StudentGroup.students.through
    Through.objects.bulk_create(
        [
            Through(studentgroup_id=group.pk, student_id=w.students[s].pk)
            for (cls, number), group in w.groups.items()
            for s in cls.group_students(number)
        ],
        batch_size=BATCH,
    )
    for a in plan.assignments:
        w.assignments[a] = TeachingAssignment(
            teacher=w.users[a.teacher],
            school_class=w.classes[a.cls],
            group=w.groups[(a.cls, a.group)] if a.group else None,
            subject=w.subjects[a.subject],
            hours_per_week=Decimal(a.hours),
        )
    TeachingAssignment.objects.bulk_create(list(w.assignments.values()), batch_size=BATCH)
    w.counts["assignments"] = len(w.assignments)
    slots = [
        TimetableSlot(
            period_id=period.pk, assignment_id=w.assignments[a].pk, weekday=weekday, number=number, room=a.room
        )
        for cls in plan.classes
        for (kind, _number), period in w.periods.items()
        if kind == cls.kind
        for weekday, lessons in sorted(cls.schedule.items())
        for number, taught in lessons
        for a in taught
    ]
    TimetableSlot.objects.bulk_create(slots, batch_size=BATCH)
    w.counts["timetable_slots"] = len(slots)
    _write_ktp(w)


def _write_ktp(w: Written) -> None:
    rows = []
    for a in w.plan.assignments:
        if not a.has_ktp:
            continue
        w.topics[a] = [
            PlannedTopic(
                assignment_id=w.assignments[a].pk,
                position=i,
                title=title[:500],
                planned_date=a.dates[i - 1][0],
                assessed_work_type_id=w.work_types[work].pk if work else None,
            )
            for i, (title, work) in enumerate(a.ktp, start=1)
        ]
        rows += w.topics[a]
    PlannedTopic.objects.bulk_create(rows, batch_size=BATCH)
    w.counts["planned_topics"] = len(rows)
