from django.shortcuts import render

from journal.access import role_required
from journal.models import Role


@role_required(Role.PARENT, Role.STUDENT)
def index(request):
    return render(request, "diary/index.html")
