from django.urls import path

from core.imports.views import import_urls

from . import class_views, views
from .attendance_import import ATTENDANCE
from .results_import import RESULTS
from .roster_import import ROSTER

app_name = "training"

urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/edit/", views.batch_update, name="batch_update"),
    path("batches/<int:pk>/results/", views.batch_results, name="batch_results"),
    path("batches/<int:pk>/complete-all/", views.batch_complete_all, name="batch_complete_all"),
    path("batches/<int:pk>/finish/", views.batch_finish, name="batch_finish"),
    # Class approval and attendance (issue 17).
    path("batches/<int:pk>/class/", class_views.class_file, name="class_file"),
    path("batches/<int:pk>/class/act/", class_views.class_act, name="class_act"),
    path("batches/<int:pk>/class/<str:part>/", class_views.class_edit, name="class_edit"),
    path(
        "batches/<int:pk>/class/<str:kind>/<int:item>/delete/", class_views.class_item_remove, name="class_item_remove"
    ),
    path("classes/queue/", class_views.approval_queue, name="class_queue"),
    path("classes/minimum-attendance/", class_views.attendance_rule, name="attendance_rule"),
    path("sessions/<int:pk>/edit/", class_views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", class_views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/qr/", class_views.session_qr, name="session_qr"),
    path("signin/<str:token>/", class_views.phone_signin, name="phone_signin"),
    path("trainees/", views.trainee_list, name="trainee_list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee_detail"),
    path("trainees/<int:pk>/reveal-id/", views.trainee_reveal_id, name="trainee_reveal_id"),
    # Roster import, the county clerk's daily job: the pages of the core import pipeline.
    *import_urls(
        ROSTER,
        template="roster-template.xlsx",
        upload="batches/<int:pk>/import/",
        records="imports/",
        record="imports/<int:pk>/",
    ),
    # A batch's results sheet (结业考核成绩表): the third spec on the pipeline.
    *import_urls(
        RESULTS,
        template="batches/<int:pk>/results-sheet.xlsx",
        upload="batches/<int:pk>/results/import/",
        records="results-imports/",
        record="results-imports/<int:pk>/",
    ),
    # A sign-in sheet or attendance-machine export (考勤表): a spec on the pipeline.
    *import_urls(
        ATTENDANCE,
        template="attendance-template.xlsx",
        upload="batches/<int:pk>/attendance/import/",
        records="attendance-imports/",
        record="attendance-imports/<int:pk>/",
    ),
]
