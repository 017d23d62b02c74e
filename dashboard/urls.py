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
    ],
    "dashboard",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include(dashboard_patterns)),
]
