from django.urls import path

from .views import campaign, meeting, plan, study

urlpatterns = [
    path("", meeting.meeting_list, name="list"),
    path("new/", meeting.meeting_create, name="create"),
    path("<int:pk>/", meeting.meeting_detail, name="detail"),
    path("<int:pk>/advance/", meeting.meeting_advance, name="advance"),
    path("<int:pk>/override/", meeting.meeting_override, name="override"),
    path("campaigns/", campaign.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign.campaign_launch, name="campaign_launch"),
    path("campaigns/<int:pk>/", campaign.campaign_detail, name="campaign"),
    path("<int:pk>/plan/", plan.plan_view, name="plan"),
    path("<int:pk>/plan/save/", plan.plan_save, name="plan_save"),
    path("<int:pk>/plan/approve/", plan.plan_approve, name="plan_approve"),
    path("<int:pk>/plan/return/", plan.plan_return, name="plan_return"),
    path("<int:pk>/study/", study.study_page, name="study"),
    path("<int:pk>/study/readings/add/", study.reading_add, name="reading_add"),
    path("study/readings/<int:pk>/delete/", study.reading_delete, name="reading_delete"),
    path("<int:pk>/study/sessions/add/", study.session_add, name="session_add"),
    path("study/sessions/<int:pk>/delete/", study.session_delete, name="session_delete"),
    path("study/sessions/<int:pk>/attendance/", study.attendance_save, name="attendance_save"),
    path("study/sessions/<int:pk>/self/", study.self_study, name="self_study"),
]
