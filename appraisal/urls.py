from django.urls import path

from . import views

app_name = "appraisal"
urlpatterns = [
    path("meeting/<int:pk>/", views.meeting_view, name="meeting"),
    path("meeting/<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/open/", views.open_voting, name="open"),
    path("<int:pk>/close/", views.close_voting, name="close"),
    path("<int:pk>/self/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/peer/", views.peer, name="peer"),
    path("<int:pk>/ballot/", views.ballot, name="ballot"),
    path("<int:pk>/sheet/", views.blank_sheet, name="sheet"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/paper/confirm/", views.paper_confirm, name="paper_confirm"),
    path("<int:pk>/results/", views.results_view, name="results"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("<int:pk>/mine/", views.my_result, name="mine"),
    path("<int:pk>/ratings/", views.ratings, name="ratings"),
    path("<int:pk>/ratings/finalize/", views.ratings_finalize, name="ratings_finalize"),
    path("ratings/<int:pk>/", views.rating_view, name="rating"),
    path("ratings/<int:pk>/submit/", views.rating_submit, name="rating_submit"),
    path("ratings/<int:pk>/approve/", views.rating_approve, name="rating_approve"),
    path("ratings/<int:pk>/return/", views.rating_return, name="rating_return"),
    path("ratings/<int:pk>/disposition/", views.disposition_open, name="disposition_open"),
    path("dispositions/<int:pk>/", views.disposition_view, name="disposition"),
    path("steps/<int:pk>/done/", views.step_done, name="step_done"),
]
