from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("meeting/<int:pk>/", views.meeting_documents, name="meeting"),
    path("meeting/<int:pk>/download/<slug:key>/", views.download, name="download"),
    path("meeting/<int:pk>/package.zip", views.package, name="package"),
    path("meeting/<int:pk>/my-draft/", views.my_draft, name="mine"),
    path("templates/", views.template_index, name="template_index"),
    path("templates/org/<int:org_pk>/", views.template_list, name="templates"),
    path("templates/org/<int:org_pk>/upload/", views.template_upload, name="template_upload"),
    path("templates/org/<int:org_pk>/<slug:key>/deactivate/", views.template_deactivate, name="template_deactivate"),
    path("templates/<int:pk>/file/", views.template_file, name="template_file"),
    path("templates/<int:pk>/activate/", views.template_activate, name="template_activate"),
    path("templates/builtin/<slug:key>/", views.template_builtin, name="template_builtin"),
    path("batch/", views.batch_index, name="batch_index"),
    path("batch/org/<int:org_pk>/", views.batch, name="batch"),
    path("batch/org/<int:org_pk>/start/", views.batch_start, name="batch_start"),
    path("batch/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("batch/<int:pk>/download/", views.batch_download, name="batch_download"),
]
