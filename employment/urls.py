from django.urls import path

from . import vacancy_views, views
from .area_imports import import_pages
from .fair_signin_import import SIGN_IN
from .referral_import import REFERRALS
from .vacancy_import import VACANCIES

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
    # The vacancy register, matching and job fairs (issue 18).
    path("vacancies/", vacancy_views.vacancy_list, name="vacancy_list"),
    path("vacancies/new/", vacancy_views.vacancy_create, name="vacancy_create"),
    path("vacancies/<int:pk>/", vacancy_views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/edit/", vacancy_views.vacancy_update, name="vacancy_update"),
    path("vacancies/<int:pk>/status/", vacancy_views.vacancy_act, name="vacancy_act"),
    path("vacancies/<int:pk>/refer/", vacancy_views.vacancy_refer, name="vacancy_refer"),
    path("trainees/<int:pk>/matches/", vacancy_views.trainee_matches, name="trainee_matches"),
    path("trainees/<int:pk>/matches/refer/", vacancy_views.trainee_refer, name="trainee_refer"),
    path("job-fairs/", vacancy_views.fair_list, name="fair_list"),
    path("job-fairs/new/", vacancy_views.fair_create, name="fair_create"),
    path("job-fairs/<int:pk>/", vacancy_views.fair_detail, name="fair_detail"),
    path("job-fairs/<int:pk>/intentions/new/", vacancy_views.intention_create, name="intention_create"),
    path("intentions/<int:pk>/refer/", vacancy_views.intention_refer, name="intention_refer"),
    # Bulk referrals from an Excel sheet: the pages of the core import pipeline.
    *import_pages(
        REFERRALS, template="referrals/template.xlsx", upload="referrals/import/", records="referral-imports/"
    ),
    *import_pages(
        VACANCIES, template="vacancies/template.xlsx", upload="vacancies/import/", records="vacancy-imports/"
    ),
    *import_pages(
        SIGN_IN,
        template="job-fairs/sign-in-template.xlsx",
        upload="job-fairs/<int:pk>/sign-in/",
        records="sign-in-imports/",
    ),
]
