from django.urls import path

from core.imports.views import import_urls

from . import views
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
]
