from django.http import HttpResponse
from django.shortcuts import redirect, render

from .access import role_required
from .models import Role
from .roles import start_url


def home(request):
    """``/``: each role to its start page."""
    return redirect(start_url(request.user))


def no_role(request):
    return render(request, "no_role.html", status=403)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@role_required(Role.TEACHER, Role.CLASS_TEACHER)
def index(request):
    return render(request, "journal/index.html")
