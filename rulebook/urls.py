from django.urls import path

from . import views

app_name = "rulebook"
urlpatterns = [
    path("", views.index, name="index"),
    path("choose/<int:pk>/", views.choose, name="choose"),
    path("<slug:slug>/", views.detail, name="detail_latest"),
    path("<slug:slug>/v<str:version>/", views.detail, name="detail"),
]
