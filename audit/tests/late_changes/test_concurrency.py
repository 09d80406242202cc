"""PostgreSQL: registration numbers stay sequential under concurrent filing; a request is applied once even
when two appliers press the button at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from audit.late_changes import services
from audit.late_changes.models import ChangeTableRow, LateChangeRequest
from journal.models import HistoryEntry, Mark
from journal.tests import factories as f

from .conftest import change_mark, file_request

pytestmark = pytest.mark.postgres


def _run(workers: int, work) -> list[Exception]:
    errors: list[Exception] = []
    barrier = threading.Barrier(workers)

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as error:  # reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_concurrent_requests_get_distinct_consecutive_numbers(transactional_db, teacher, lesson, student, work_type):
    assert connection.vendor == "postgresql"
    marks = [f.MarkFactory(lesson=lesson, student=student, value=5, work_type=work_type) for _ in range(6)]
    errors = _run(len(marks), lambda i: file_request(teacher, change_mark(marks[i])))
    assert not errors, errors
    numbers = sorted(LateChangeRequest.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, len(marks) + 1))
    assert set(LateChangeRequest.objects.values_list("number", flat=True)) == {f"{n}/2026-27" for n in numbers}


def test_two_appliers_at_once_apply_it_once(
    transactional_db, sysadmin, class_teacher, director, teacher, mark, sysadmin_away
):
    request = file_request(teacher, change_mark(mark))
    services.late_change_decide(request_id=request.pk, by=director, approve=True)
    appliers = [sysadmin, class_teacher]
    outcomes: list[str] = []

    def work(index: int) -> None:
        try:
            services.late_change_apply(request_id=request.pk, by=appliers[index])
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)

    assert not _run(2, work)
    assert sorted(outcomes) == ["applied", "ok"]  # the second one waited for the first and found it applied
    assert ChangeTableRow.objects.count() == 1
    assert HistoryEntry.objects.filter(source="late_change").count() == 1
    assert Mark.objects.get(pk=mark.pk).value == 4
