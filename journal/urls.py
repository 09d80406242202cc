from django.urls import path

from . import views

app_name = "journal"

urlpatterns = [
    path("", views.index, name="index"),
    path("a/<int:assignment_id>/", views.grid, name="grid"),
    path("a/<int:assignment_id>/cell/", views.cell_save, name="cell"),
    path("a/<int:assignment_id>/cell/details/", views.cell_details, name="cell_details"),
    path("a/<int:assignment_id>/period-mark/", views.period_mark_save, name="period_mark"),
    path("a/<int:assignment_id>/fill-topics/", views.fill_topics, name="fill_topics"),
    path("work-types.css", views.work_type_css, name="work_type_css"),
    path("lesson/<int:lesson_id>/", views.lesson_panel, name="lesson"),
    path("lesson/<int:lesson_id>/attendance/", views.lesson_attendance, name="lesson_attendance"),
    path("lesson/<int:lesson_id>/file/", views.lesson_file, name="lesson_file"),
]
