"""URLs of the self-examination materials part (OL-2.5, GAP-DL-2.7)."""

from django.urls import path

from .views import materials as views

urlpatterns = [
    path("<int:pk>/materials/", views.materials, name="materials"),
    path("<int:pk>/materials/prepare/", views.materials_prepare, name="materials_prepare"),
    path("<int:pk>/materials/mine/", views.material_mine, name="material_mine"),
    path("<int:pk>/materials/start/", views.material_start, name="material_start"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("materials/<int:pk>/review/", views.material_review, name="material_review"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("<int:pk>/materials/publish/", views.materials_publish, name="materials_publish"),
    path("materials/public/<str:token>/", views.problem_list_public, name="problem_list_public"),
]
