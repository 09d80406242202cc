"""«Актуальность информации об ОУ, педагогическом коллективе и обучающихся» (п. 3.3): КТП, the timetable
and the cards — due before the school year starts (the timetable: before each study period)."""

import datetime

from audit.compliance.models import Criterion, Finding
from journal.models import Teacher
from journal.tests import factories as f

from .conftest import msk, open_findings, open_keys, run_deadlines

LAST_SUMMER_NIGHT = msk(2026, 8, 31, 23, 59, 59)
FIRST_DAY = msk(2026, 9, 1, 0, 0, 0)


def test_ktp_is_due_from_the_first_day_of_the_year(assignment, school):
    run_deadlines(school, LAST_SUMMER_NIGHT)
    assert open_findings(Criterion.KTP) == []

    run_deadlines(school, FIRST_DAY)
    [finding] = open_findings(Criterion.KTP)
    assert finding.key == str(assignment.pk)
    assert finding.teacher == assignment.teacher
    assert finding.school_class == assignment.school_class
    assert finding.label == "5А — Математика"
    assert "01.09.2026" in finding.detail


def test_ktp_written_resolves_the_finding(assignment, school):
    run_deadlines(school, FIRST_DAY)
    f.PlannedTopicFactory(assignment=assignment)
    run_deadlines(school, FIRST_DAY + datetime.timedelta(days=1))
    assert open_findings(Criterion.KTP) == []
    assert Finding.objects.get(criterion=Criterion.KTP).resolved_at is not None


def test_timetable_is_due_at_each_period_start(assignment, school, quarter1, quarter):
    f.TimetableSlotFactory(period=quarter1, assignment=assignment)

    run_deadlines(school, msk(2026, 11, 4, 23, 59, 59))
    assert open_findings(Criterion.TIMETABLE) == []

    run_deadlines(school, msk(2026, 11, 5, 0, 0, 0))
    [finding] = open_findings(Criterion.TIMETABLE)
    assert finding.key == f"{assignment.school_class.pk}:{quarter.pk}"
    assert finding.period == quarter
    assert finding.teacher == assignment.school_class.class_teacher
    assert "05.11.2026" in finding.detail

    f.TimetableSlotFactory(period=quarter, assignment=assignment)
    run_deadlines(school, msk(2026, 11, 6, 3, 0))
    assert open_findings(Criterion.TIMETABLE) == []


def test_timetable_of_a_senior_class_follows_half_years(school, year, quarter, half):
    senior = f.SchoolClassFactory(school=school, year=year, grade=10, letter="А")
    course = f.TeachingAssignmentFactory(school_class=senior)
    f.TimetableSlotFactory(period=half, assignment=course)
    run_deadlines(school, msk(2026, 11, 28, 3, 0))
    assert open_keys(Criterion.TIMETABLE) == set()  # the quarter is not 10А's period


def test_school_card_complete_before_the_year(assignment, school):
    school.phone = ""
    school.save()
    run_deadlines(school, LAST_SUMMER_NIGHT)
    assert open_findings(Criterion.SCHOOL_CARD) == []

    run_deadlines(school, FIRST_DAY)
    [finding] = open_findings(Criterion.SCHOOL_CARD)
    assert finding.detail == "не заполнено: телефон"

    school.phone = "+7 (861) 200-00-84"
    school.save()
    run_deadlines(school, FIRST_DAY + datetime.timedelta(hours=1))
    assert open_findings(Criterion.SCHOOL_CARD) == []


def test_teacher_cards_incomplete_or_missing(teacher, other_teacher, school, year):
    card = Teacher.objects.get(user=teacher)
    card.education = ""
    card.save()
    no_card = f.UserFactory(username="nocard", roles=[])
    f.TeachingAssignmentFactory(
        teacher=no_card, school_class=f.SchoolClassFactory(school=school, year=year, grade=9, letter="Г")
    )

    run_deadlines(school, FIRST_DAY)
    findings = {f.person: f for f in open_findings(Criterion.TEACHER_CARDS)}
    assert set(findings) == {teacher, no_card}
    assert findings[teacher].detail == "не заполнено: образование"
    assert findings[no_card].detail == "нет карточки учителя, хотя есть учебная нагрузка"

    card.education = "высшее"
    card.save()
    Teacher.objects.create(user=no_card, school=school, education="высшее", category=Teacher.Category.FIRST)
    run_deadlines(school, FIRST_DAY + datetime.timedelta(days=1))
    assert open_findings(Criterion.TEACHER_CARDS) == []


def test_student_cards_are_the_class_teachers_to_complete(student, school, class_5a):
    student.birth_date = None
    student.save()
    run_deadlines(school, LAST_SUMMER_NIGHT)
    assert open_findings(Criterion.STUDENT_CARDS) == []

    run_deadlines(school, FIRST_DAY)
    [finding] = open_findings(Criterion.STUDENT_CARDS)
    assert finding.person == student.user
    assert finding.school_class == class_5a
    assert finding.teacher == class_5a.class_teacher
    assert finding.detail == "не заполнено: дата рождения"
    assert finding.label == "Лебедева Мария Александровна, 5А"


def test_former_students_are_not_checked(student, school):
    student.birth_date = None
    student.is_active = False
    student.save()
    run_deadlines(school, FIRST_DAY)
    assert open_findings(Criterion.STUDENT_CARDS) == []
