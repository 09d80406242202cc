"""The diary's one write: a visit is one row (who may read which diary: ``onboarding.tests.test_guardianships``)."""

from diary import services


def test_a_visit_is_one_row(diary_school, django_assert_num_queries):
    w = diary_school

    with django_assert_num_queries(1):
        services.diary_visit_record(user=w.parent, student=w.student, page="week")
