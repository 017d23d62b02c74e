from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/lines/", views.plan_update, name="plan_update"),
    path("<int:pk>/projects/", views.project_add, name="project_add"),
    path("projects/<int:pk>/remove/", views.project_remove, name="project_remove"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/", views.milestone_progress, name="milestone_progress"),
    path("<int:pk>/<str:action>/", views.plan_action, name="plan_action"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/open/", views.report_open, name="report_open"),
    path("reports/open-year/", views.yearly_report_open, name="yearly_report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/note/", views.report_update, name="report_update"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="report_action"),
]
