"""Arbitrary input to the write endpoints: never a 500, and a refused input changes nothing."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.late_changes.models import LateChangeRequest
from journal.models import Attendance, HistoryEntry, Lesson, Mark, PeriodMark, PlannedTopic, WorkType
from journal.tests import factories as f

from .conftest import DOCUMENT, LOCKED_DAY

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
#: Text a user (or an attacker) might type: marks, codes, Cyrillic, control and odd characters, long strings.
TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "5",
            "54",
            "н",
            "Н",
            "h",
            "зач",
            "н/а",
            "осв",
            "0",
            "6",
            "-1",
            "5.1",
            "1.1",
            "' OR 1=1 --",
            "5\x00",
            "\x00",
        ]
    ),
    st.text(max_size=40),
    st.text(alphabet="0123456789нНбБуУ/.,- ", max_size=8),
)
#: An id: a real one (passed in), or anything.
ANY_ID = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), st.text(max_size=12))


def ids(*real: int):
    """Mostly the first (valid) id, sometimes the others (someone else's), sometimes anything."""
    return st.one_of(st.just(real[0]), st.just(real[0]), st.sampled_from(real), ANY_ID)


def journal_state() -> dict:
    return {
        "marks": sorted(Mark.objects.values_list("id", "value", "comment", "work_type_id")),
        "attendance": sorted(Attendance.objects.values_list("id", "code")),
        "period_marks": sorted(PeriodMark.objects.values_list("id", "value")),
        "history": HistoryEntry.objects.exclude(action=HistoryEntry.Action.REFUSED).count(),
        "lessons": sorted(Lesson.objects.values_list("id", "topic", "homework", "planned_topic_id")),
        "topics": sorted(PlannedTopic.objects.values_list("id", "title", "hours", "planned_date")),
        "requests": LateChangeRequest.objects.count(),
    }


@pytest.fixture
def scene(cast, world, teacher, assignment, student, other_student, quarter, quarter1):
    lesson = f.LessonFactory(assignment=assignment, date=datetime.date(2026, 11, 27), number=1)
    locked = f.LessonFactory(assignment=assignment, date=LOCKED_DAY, number=2)
    work_type = WorkType.objects.get(name="Ответ на уроке")
    mark = f.MarkFactory(lesson=locked, student=student, value=5, work_type=work_type, entered_by=teacher)
    topic = f.PlannedTopicFactory(assignment=assignment)
    return {
        "lesson": lesson,
        "locked": locked,
        "mark": mark,
        "topic": topic,
        "lessons": (lesson.pk, locked.pk, world["lesson_id"]),
        "students": (student.pk, other_student.pk),
        "periods": (quarter.pk, quarter1.pk),
    }


def _ok_json(response) -> bool:
    return response.status_code == 200 and response.json().get("ok") is True


def test_the_grid_cell(client_for, teacher, assignment, scene):
    client = client_for(teacher)
    accepted = []

    @FUZZ
    @given(lesson=ids(*scene["lessons"]), student=ids(*scene["students"]), text=TEXT, expected=TEXT)
    def run(lesson, student, text, expected):
        before = journal_state()
        response = client.post(
            f"/journal/a/{assignment.pk}/cell/",
            {"lesson": lesson, "student": student, "text": text, "expected": expected},
        )
        assert response.status_code in (200, 404, 409, 422)
        if _ok_json(response):
            accepted.append(text)
        else:
            assert journal_state() == before

    run()
    assert accepted, "no input was accepted: the test would prove nothing"


def test_the_period_mark(client_for, teacher, assignment, scene):
    client = client_for(teacher)
    accepted = []

    @FUZZ
    @given(period=ids(*scene["periods"]), student=ids(*scene["students"]), value=TEXT, expected=TEXT)
    def run(period, student, value, expected):
        before = journal_state()
        response = client.post(
            f"/journal/a/{assignment.pk}/period-mark/",
            {"period": period, "student": student, "value": value, "expected": expected},
        )
        assert response.status_code in (200, 404, 409, 422)
        if _ok_json(response):
            accepted.append(value)
        else:
            assert journal_state() == before

    run()
    assert accepted, "no input was accepted: the test would prove nothing"


def test_the_lesson_page(client_for, teacher, scene):
    client = client_for(teacher)
    long_text = st.one_of(TEXT, st.text(min_size=490, max_size=5100))
    accepted = []

    @FUZZ
    @given(
        topic=long_text, homework=long_text, planned_topic=ids(scene["topic"].pk), remove=st.sampled_from(["", "on"])
    )
    def run(topic, homework, planned_topic, remove):
        before = journal_state()
        data = {"topic": topic, "homework": homework, "planned_topic": planned_topic, "remove_file": remove}
        response = client.post(f"/journal/lesson/{scene['lesson'].pk}/", data)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            accepted.append(data)
        else:
            assert journal_state() == before

    run()
    assert accepted, "no input was accepted: the test would prove nothing"


def test_the_ktp_topic_form(client_for, teacher, scene):
    client = client_for(teacher)
    accepted = []

    @FUZZ
    @given(
        title=st.one_of(st.just("Обыкновенные дроби"), TEXT),
        hours=st.one_of(st.integers(min_value=1, max_value=100), TEXT, st.integers()),
        planned_date=st.one_of(st.just(""), st.just("01.12.2026"), st.just("2026-12-01"), TEXT),
        work_type=st.one_of(st.just(""), ANY_ID),
    )
    def run(title, hours, planned_date, work_type):
        before = journal_state()
        data = {"title": title, "hours": hours, "planned_date": planned_date, "assessed_work_type": work_type}
        response = client.post(f"/plan/ktp/topic/{scene['topic'].pk}/", data)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            accepted.append(data)
        else:
            assert journal_state() == before

    run()
    assert accepted, "no input was accepted: the test would prove nothing"


def test_the_late_change_request_form(client_for, teacher, student, scene):
    client = client_for(teacher)
    url = f"/audit/changes/new/?lesson={scene['locked'].pk}&student={student.pk}"
    field = f"c0-m{scene['mark'].pk}"

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        value=TEXT,
        reason=st.one_of(st.just("student_absence"), TEXT),
        kind=st.one_of(st.just(DOCUMENT.kind), TEXT),
        number=TEXT,
        date=st.one_of(st.just(DOCUMENT.date.isoformat()), TEXT),
        issuer=TEXT,
    )
    def run(value, reason, kind, number, date, issuer):
        before = journal_state()
        data = {
            field: value,
            "reason": reason,
            "document_kind": kind,
            "document_number": number,
            "document_date": date,
            "document_issuer": issuer,
            "comment": "",
        }
        response = client.post(url, data)
        assert response.status_code in (200, 302, 404)
        after = journal_state()
        # filing a request never touches the journal itself; a refused one is not registered either
        assert {k: v for k, v in after.items() if k != "requests"} == {
            k: v for k, v in before.items() if k != "requests"
        }
        if response.status_code != 302:
            assert after["requests"] == before["requests"]

    run()
