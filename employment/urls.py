from django.urls import path

from . import views, views_import

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
    # Bulk referrals from an Excel sheet, with the roster import's conventions.
    path("referrals/template.xlsx", views_import.referral_template, name="referral_template"),
    path("referrals/import/", views_import.referral_import_upload, name="referral_import_upload"),
    path("referral-imports/<int:pk>/", views_import.referral_import_detail, name="referral_import_detail"),
    path("referral-imports/<int:pk>/commit/", views_import.referral_import_commit, name="referral_import_commit"),
    path("referral-imports/<int:pk>/cancel/", views_import.referral_import_cancel, name="referral_import_cancel"),
    path("referral-imports/<int:pk>/errors.xlsx", views_import.referral_import_errors, name="referral_import_errors"),
]
