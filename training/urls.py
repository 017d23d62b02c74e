from django.urls import path

from . import views, views_import

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
    # Roster import, the county clerk's daily job.
    path("roster-template.xlsx", views_import.roster_template, name="roster_template"),
    path("batches/<int:pk>/import/", views_import.import_upload, name="import_upload"),
    path("imports/", views_import.import_list, name="import_list"),
    path("imports/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views_import.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", views_import.import_commit, name="import_commit"),
    path("imports/<int:pk>/cancel/", views_import.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
]
