from django.shortcuts import render

from journal.access import role_required
from journal.models import Role


@role_required(Role.DEPUTY, Role.DIRECTOR)
def dashboard(request):
    return render(request, "audit/dashboard.html")
