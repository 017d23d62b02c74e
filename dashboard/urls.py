from django.urls import include, path

from . import views

# The home page keeps its plain name ("home": LOGIN_REDIRECT_URL and every page's header use it);
# the dashboard's own pages live under the "dashboard" namespace.
dashboard_patterns = (
    [
        path("", views.index, name="index"),
        path("drill/", views.drill, name="drill"),
        path("export.xlsx", views.export, name="export"),
        path("targets/", views.targets, name="targets"),
        path("tasks/", views.board, name="task_board"),
        path("tasks/export.xlsx", views.board_export, name="task_board_export"),
        path("periods/", views.periods, name="periods"),
        path("periods/<slug:code>/", views.period_detail, name="period"),
        path("periods/<slug:code>/report/", views.period_report, name="period_report"),
        path("periods/<slug:code>/report.xlsx", views.period_report_export, name="period_report_export"),
    ],
    "dashboard",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include(dashboard_patterns)),
]
