"""Late changes (раздел 4), included at ``/audit/changes/`` inside the ``audit`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.late_change_list, name="late_change_list"),
    # ?lesson=<id>&student=<id> or ?period=<id>&subject=<id>&student=<id> (a locked cell of the grid)
    path("new/", views.late_change_new, name="late_change_new"),
    path("<int:pk>/", views.late_change_detail, name="late_change_detail"),
    path("<int:pk>/decide/", views.late_change_decide, name="late_change_decide"),
    path("<int:pk>/apply/", views.late_change_apply, name="late_change_apply"),
    path("<int:pk>/scan/", views.late_change_scan, name="late_change_scan"),
    path("absences/", views.sysadmin_absences, name="sysadmin_absences"),
    path("absences/<int:pk>/end/", views.sysadmin_absence_end, name="sysadmin_absence_end"),
    # ?class=<id>&period=<id>
    path("table/", views.change_table, name="change_table"),
    path("table.xlsx", views.change_table_xlsx, name="change_table_xlsx"),
    path("sheet.pdf", views.summary_sheet_pdf, name="summary_sheet_pdf"),
    path("sheets/", views.summary_sheets, name="summary_sheets"),
    path("sheets/<int:pk>/status/", views.summary_sheets_status, name="summary_sheets_status"),
    path("sheets/<int:pk>/download/", views.summary_sheets_download, name="summary_sheets_download"),
    # ?period=<id>
    path("register/", views.register, name="late_change_register"),
    path("register.pdf", views.register_pdf, name="late_change_register_pdf"),
]
