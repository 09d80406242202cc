"""The one access helper of the diary: a student's diary is open only to whom it is granted (п. 1.13)."""

from django.http import Http404

from journal.models import Student

from .selectors import students_readable_by


def student_for_reader(*, user, student_id: int) -> Student:
    """The student whose diary ``user`` may read, or ``Http404`` — never a hint that the student exists.

    One query. It loads every student the user may read (a parent's few children, or a student themself)
    and picks ``student_id`` among them, so the child switcher shown on each diary page costs nothing more:
    the whole list is on ``student.reader_children``.
    """
    children = list(students_readable_by(user=user).select_related("user", "school_class"))
    for student in children:
        if student.pk == student_id:
            student.reader_children = children
            return student
    raise Http404
