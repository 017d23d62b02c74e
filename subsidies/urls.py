from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("new/", views.application_create, name="application_create"),
    path("bulk/<str:action>/", views.bulk_list, name="bulk_list"),
    path("bulk/<str:action>/confirm/", views.bulk_confirm, name="bulk_confirm"),
    path("bulk/<str:action>/run/", views.bulk_run, name="bulk_run"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<int:pk>/<str:action>/", views.application_action, name="application_action"),
    path("batches/<int:batch_id>/training-subsidies/", views.batch_applications, name="batch_applications"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets.xlsx", views.budget_xlsx, name="budget_xlsx"),
]
