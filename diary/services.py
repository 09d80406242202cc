"""Writes of the diary: the record of each diary view.

Who may read which diary is granted and revoked by ``onboarding.guardianships``; the diary reads it through
``diary.selectors``.
"""

from django.utils import timezone

from journal.models import Student, User

from .models import DiaryVisit


def diary_visit_record(*, user: User, student: Student, page: str) -> None:
    """One diary page view, for the visit statistics of п. 3.3 (parents weekly, students every two days).

    A single INSERT, deliberately outside ``transaction.atomic``: a savepoint would double its cost on
    every page view, and one row has nothing to keep consistent.
    """
    DiaryVisit.objects.create(user_id=user.pk, student_id=student.pk, at=timezone.now(), page=page)
