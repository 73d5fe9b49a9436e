from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("members/", views.my_members, name="my_members"),
    path("tree/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/members/", views.member_list, name="member_list"),
    path("<int:pk>/import/", views.roster_import, name="roster_import"),
    path("<int:pk>/positions/appoint/", views.position_appoint, name="position_appoint"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("import/template.xlsx", views.roster_template, name="roster_template"),
    path("members/<uuid:uid>/", views.member_detail, name="member_detail"),
    path("members/<uuid:uid>/edit/", views.member_edit, name="member_edit"),
    path("members/<uuid:uid>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<uuid:uid>/account/", views.member_account, name="member_account"),
]
