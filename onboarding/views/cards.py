"""School, teacher and student cards (п. 3.3: сведения об ОУ, педагогах и обучающихся)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from journal.models import School, Teacher

from .. import forms, selectors, services
from ..access import is_class_teacher, is_deputy, is_planner, is_teacher, role_required
from .common import error_message, page_url


@require_http_methods(["GET", "POST"])
@role_required(is_planner)
def school_card(request):
    school = selectors.the_school()
    form = forms.SchoolCardForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_card_update(school=school or School(), data=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_message(error))
            return render(request, "onboarding/school_card.html", {"form": form, "school": school})
        messages.success(request, _("Карточка ОУ сохранена."))
        return redirect(page_url("school_card"))
    return render(request, "onboarding/school_card.html", {"form": form, "school": school})


@require_http_methods(["GET"])
@role_required(is_deputy)
def teacher_cards(request):
    return render(request, "onboarding/teacher_cards.html", {"teachers": selectors.teacher_cards()})


@require_http_methods(["GET"])
@role_required(is_teacher)
def my_card(request):
    teacher = Teacher.objects.filter(user=request.user).first()
    if teacher is None:
        messages.error(request, _("Карточка учителя ещё не заведена: обратитесь к заместителю директора."))
        return redirect(page_url("index"))
    return redirect(page_url("teacher_card", teacher.pk))


@require_http_methods(["GET", "POST"])
@role_required(is_deputy, is_teacher)
def teacher_card(request, teacher_id):
    teacher = selectors.teacher_card_for_editor(user=request.user, teacher_id=teacher_id)
    form = forms.TeacherCardForm(request.POST or None, instance=teacher)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("email", "phone", "subjects")}
        try:
            services.teacher_card_update(
                teacher=teacher,
                data=data,
                subjects=form.cleaned_data["subjects"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
            messages.success(request, _("Карточка учителя сохранена."))
            return redirect(page_url("teacher_card", teacher.pk))
        except ValidationError as error:
            messages.error(request, error_message(error))
    return render(request, "onboarding/teacher_card.html", {"form": form, "teacher": teacher})


@require_http_methods(["GET"])
@role_required(is_deputy, is_class_teacher)
def student_cards(request):
    year = selectors.pick_year(request.GET.get("year"))
    classes = selectors.classes_for_card_editor(user=request.user, year=year)
    school_class = None
    if request.GET.get("cls"):
        school_class = next((c for c in classes if str(c.pk) == request.GET.get("cls")), None)
        if school_class is None:
            raise Http404
    elif classes:
        school_class = classes[0]
    students = selectors.student_cards(school_class) if school_class else []
    return render(
        request,
        "onboarding/student_cards.html",
        {"classes": classes, "school_class": school_class, "students": students, "year": year},
    )


@require_http_methods(["GET", "POST"])
@role_required(is_deputy, is_class_teacher)
def student_card(request, student_id):
    student = selectors.student_card_for_editor(user=request.user, student_id=student_id)
    form = forms.StudentCardForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_card_update(student=student, data=form.cleaned_data)
            messages.success(request, _("Карточка ученика сохранена."))
            return redirect(page_url("student_cards", cls=student.school_class_id))
        except ValidationError as error:
            messages.error(request, error_message(error))
    return render(request, "onboarding/student_card.html", {"form": form, "student": student})
