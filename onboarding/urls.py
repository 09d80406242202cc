"""Planning data and onboarding (issue 9): timetable, holidays, lesson generation, КТП, imports, slips."""

from django.urls import path

from .views import timetable as views

app_name = "onboarding"

urlpatterns = [
    path("", views.index, name="index"),
    # Timetable, bells, calendar, lessons (deputy, sysadmin)
    path("timetable/", views.timetable, name="timetable"),
    path("timetable/copy/", views.timetable_copy, name="timetable_copy"),
    path("timetable/slot/<int:slot_id>/delete/", views.slot_delete, name="slot_delete"),
    path("bells/", views.bells, name="bells"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/holiday/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("calendar/transfer/<int:transfer_id>/delete/", views.transfer_delete, name="transfer_delete"),
    path("generate/", views.generate, name="generate"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/add/", views.lesson_add, name="lesson_add"),
    path("lessons/<int:lesson_id>/", views.lesson_edit, name="lesson"),
    # КТП (the teacher, own assignments)
    path("ktp/", views.ktp_list, name="ktp_list"),
    path("ktp/<int:assignment_id>/", views.ktp_edit, name="ktp"),
    path("ktp/<int:assignment_id>/import/", views.ktp_import, name="ktp_import"),
    path("ktp/<int:assignment_id>/report/", views.ktp_report, name="ktp_report"),
    path("ktp/topic/<int:topic_id>/", views.topic_edit, name="topic"),
    path("ktp/topic/<int:topic_id>/delete/", views.topic_delete, name="topic_delete"),
    path("ktp/topic/<int:topic_id>/move/", views.topic_move, name="topic_move"),
    # People, accounts, applications (sysadmin; accounts also the deputy)
    path("people/import/", views.people_import, name="people_import"),
    path("accounts/", views.accounts_page, name="accounts"),
    path("accounts/slips/", views.class_slips, name="slips"),
    path("accounts/staff/", views.staff_accounts, name="staff_accounts"),
    path("accounts/staff/slips/", views.staff_slips, name="staff_slips"),
    path("accounts/<int:user_id>/slip/", views.user_slip, name="user_slip"),
    path("accounts/<int:user_id>/receipt/", views.receipt, name="receipt"),
    path("applications/add/", views.application_add, name="application_add"),
    path("applications/<int:guardianship_id>/register/", views.application_register, name="application_register"),
    path("applications/<int:guardianship_id>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:guardianship_id>/reject/", views.application_reject, name="application_reject"),
    # Cards
    path("school/", views.school_card, name="school_card"),
    path("teachers/", views.teacher_cards, name="teacher_cards"),
    path("teachers/me/", views.my_card, name="my_card"),
    path("teachers/<int:teacher_id>/", views.teacher_card, name="teacher_card"),
    path("students/", views.student_cards, name="student_cards"),
    path("students/<int:student_id>/", views.student_card, name="student_card"),
    # First login with a one-time password
    path("password/", views.password, name="password"),
]
