from django.contrib import admin
from django.urls import include, path

from training.class_views import certificate_verify

from . import views

admin.site.site_header = "钦州市“八桂系列”劳务品牌管理系统"
admin.site.site_title = "八桂系列劳务品牌管理"
admin.site.index_title = "基础数据与后台管理"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("brands.urls")),
    path("training/", include("training.urls")),
    # 证书查询: public, no login (issue 17).
    path("certificates/verify/", certificate_verify, name="certificate_verify"),
    path("employment/", include("employment.urls")),
    path("follow-ups/", include("followups.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("plans/", include("plans.urls")),
    path("tasks/", include("plantasks.urls")),
    path("inbox/", include("inbox.urls")),
    path("notices/", include("notices.urls")),
    path("api/", include("qinzhou_brands.api")),
    path("", include("dashboard.urls")),
]

handler400 = "qinzhou_brands.views.bad_request"
handler403 = "qinzhou_brands.views.permission_denied"
handler404 = "qinzhou_brands.views.page_not_found"
handler500 = "qinzhou_brands.views.server_error"
