from django.urls import path

from employment.area_imports import import_pages

from . import views
from .followup_import import FOLLOW_UPS

app_name = "followups"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("worklist.xlsx", views.worklist_xlsx, name="worklist_xlsx"),
    path("outcomes/<int:pk>/", views.outcome_follow_ups, name="outcome"),
    path("<int:pk>/", views.follow_up_detail, name="detail"),
    # The filled worklist, uploaded: the pages of the core import pipeline.
    *import_pages(FOLLOW_UPS, template="template.xlsx", upload="import/", records="imports/"),
]
