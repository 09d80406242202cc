"""The onboarding pages, mounted at /plan/: timetable, holidays, lesson generation, КТП, imports, accounts, cards."""

from django.urls import path

from .views import accounts, cards, ktp, people, start, timetable

app_name = "onboarding"

urlpatterns = [
    path("", start.index, name="index"),
    # Timetable, bells, calendar, lessons (deputy, sysadmin)
    path("timetable/", timetable.timetable, name="timetable"),
    path("timetable/copy/", timetable.timetable_copy, name="timetable_copy"),
    path("timetable/slot/<int:slot_id>/delete/", timetable.slot_delete, name="slot_delete"),
    path("bells/", timetable.bells, name="bells"),
    path("calendar/", timetable.calendar, name="calendar"),
    path("calendar/holiday/<int:holiday_id>/delete/", timetable.holiday_delete, name="holiday_delete"),
    path("calendar/transfer/<int:transfer_id>/delete/", timetable.transfer_delete, name="transfer_delete"),
    path("generate/", timetable.generate, name="generate"),
    path("lessons/", timetable.lessons, name="lessons"),
    path("lessons/add/", timetable.lesson_add, name="lesson_add"),
    path("lessons/<int:lesson_id>/", timetable.lesson_edit, name="lesson"),
    # КТП (the teacher, own assignments)
    path("ktp/", ktp.ktp_list, name="ktp_list"),
    path("ktp/<int:assignment_id>/", ktp.ktp_edit, name="ktp"),
    path("ktp/<int:assignment_id>/import/", ktp.ktp_import, name="ktp_import"),
    path("ktp/<int:assignment_id>/report/", ktp.ktp_report, name="ktp_report"),
    path("ktp/topic/<int:topic_id>/", ktp.topic_edit, name="topic"),
    path("ktp/topic/<int:topic_id>/delete/", ktp.topic_delete, name="topic_delete"),
    path("ktp/topic/<int:topic_id>/move/", ktp.topic_move, name="topic_move"),
    # People, accounts, applications (sysadmin; accounts also the deputy)
    path("people/import/", people.people_import, name="people_import"),
    path("accounts/", accounts.accounts_page, name="accounts"),
    path("accounts/slips/", accounts.class_slips, name="slips"),
    path("accounts/staff/", accounts.staff_accounts, name="staff_accounts"),
    path("accounts/staff/slips/", accounts.staff_slips, name="staff_slips"),
    path("accounts/<int:user_id>/slip/", accounts.user_slip, name="user_slip"),
    path("accounts/<int:user_id>/receipt/", accounts.receipt, name="receipt"),
    path("applications/add/", accounts.application_add, name="application_add"),
    path("applications/<int:guardianship_id>/register/", accounts.application_register, name="application_register"),
    path("applications/<int:guardianship_id>/approve/", accounts.application_approve, name="application_approve"),
    path("applications/<int:guardianship_id>/reject/", accounts.application_reject, name="application_reject"),
    # Cards
    path("school/", cards.school_card, name="school_card"),
    path("teachers/", cards.teacher_cards, name="teacher_cards"),
    path("teachers/me/", cards.my_card, name="my_card"),
    path("teachers/<int:teacher_id>/", cards.teacher_card, name="teacher_card"),
    path("students/", cards.student_cards, name="student_cards"),
    path("students/<int:student_id>/", cards.student_card, name="student_card"),
    # First login with a one-time password
    path("password/", accounts.password, name="password"),
]
