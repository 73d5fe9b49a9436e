from django.contrib import admin
from django.urls import include, path

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = "生活会 后台管理"
admin.site.site_title = "生活会"

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("organizations.urls")),
    path("audit/", include("audit.urls")),
    path("rules/", include("rulebook.urls")),
    path("meetings/", include("meetings.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("rectification/", include("rectification.urls")),
    path("documents/", include("documents.urls")),
    path("oversight/", include("oversight.urls")),
    path("api/", include("api.urls")),
    path("manage/", admin.site.urls),
]
