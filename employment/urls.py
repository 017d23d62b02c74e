from django.urls import path

from core.imports.views import import_urls

from . import views
from .referral_import import REFERRALS

app_name = "employment"

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.xlsx", views.worklist_xlsx, name="worklist_xlsx"),
    path("trainees/<int:pk>/", views.trainee_employment, name="trainee_employment"),
    path("trainees/<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("trainees/<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("referrals/<int:pk>/result/", views.referral_result, name="referral_result"),
    path("labour-exports/", views.labour_export_list, name="labour_export_list"),
    path("labour-exports/new/", views.labour_export_create, name="labour_export_create"),
    path("labour-exports/<int:pk>/", views.labour_export_detail, name="labour_export_detail"),
    path("wage-cases/", views.wage_case_list, name="wage_case_list"),
    path("wage-cases/new/", views.wage_case_create, name="wage_case_create"),
    path("wage-cases/<int:pk>/", views.wage_case_detail, name="wage_case_detail"),
    # Bulk referrals from an Excel sheet: the pages of the core import pipeline.
    *import_urls(
        REFERRALS,
        template="referrals/template.xlsx",
        upload="referrals/import/",
        records="referral-imports/",
        record="referral-imports/<int:pk>/",
    ),
]
