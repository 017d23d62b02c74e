from django.urls import path

from . import views

app_name = "plantasks"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
]
