from django.urls import path

from . import views

app_name = "diary"

urlpatterns = [
    path("", views.index, name="index"),
    path("school/", views.school, name="school"),
    path("<int:student_id>/week/", views.week, name="week"),
    path("<int:student_id>/marks/", views.marks, name="marks"),
    path("<int:student_id>/attendance/", views.attendance, name="attendance"),
    path("<int:student_id>/timetable/", views.timetable, name="timetable"),
    path("<int:student_id>/homework/<int:lesson_id>/", views.homework_file, name="homework"),
]
