from django.urls import include, path

app_name = "audit"

urlpatterns = [
    path("", include("audit.compliance.urls")),
    path("changes/", include("audit.late_changes.urls")),
]
