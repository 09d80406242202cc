from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("criterion/<slug:code>/", views.criterion, name="criterion"),
    path("criterion/<slug:code>/class/<int:class_id>/", views.criterion_class, name="criterion_class"),
    path("criterion/<slug:code>/teacher/<int:teacher_id>/", views.criterion_teacher, name="criterion_teacher"),
    path("my-class/", views.my_class, name="my_class"),
]
