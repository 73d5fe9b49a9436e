"""民主生活会 URLs (topic, plan filing, notice, study tally, the meeting record, after the meeting)."""

from django.urls import path

from .views import dl

urlpatterns = [
    path("dl/topics/", dl.topics, name="dl_topics"),
    path("dl/topics/publish/", dl.topic_publish, name="dl_topic_publish"),
    path("dl/filings/", dl.filings, name="dl_filings"),
    path("dl/filings/<int:pk>/receive/", dl.filing_receive, name="dl_filing_receive"),
    path("dl/public/<str:token>/", dl.public_page, name="dl_public"),
    path("dl/<int:pk>/special/", dl.special_add, name="dl_special"),
    path("dl/<int:pk>/plan/", dl.plan_view, name="dl_plan"),
    path("dl/<int:pk>/plan/save/", dl.plan_save, name="dl_plan_save"),
    path("dl/<int:pk>/plan/decide/", dl.plan_decide, name="dl_plan_decide"),
    path("dl/<int:pk>/plan/file/", dl.plan_file, name="dl_plan_file"),
    path("dl/<int:pk>/override/", dl.override, name="dl_override"),
    path("dl/<int:pk>/notice/", dl.notice_view, name="dl_notice"),
    path("dl/<int:pk>/notice/save/", dl.notice_save, name="dl_notice_save"),
    path("dl/<int:pk>/notice/print/", dl.notice_print, name="dl_notice_print"),
    path("dl/<int:pk>/study/", dl.study_view, name="dl_study"),
    path("dl/<int:pk>/sitting/", dl.sitting_view, name="dl_sitting"),
    path("dl/<int:pk>/sitting/open/", dl.sitting_open, name="dl_sitting_open"),
    path("dl/<int:pk>/sitting/statement/", dl.statement_add, name="dl_statement"),
    path("dl/<int:pk>/sitting/complete/", dl.item_complete, name="dl_item_complete"),
    path("dl/<int:pk>/sitting/agenda/", dl.agenda_add, name="dl_agenda_add"),
    path("dl/<int:pk>/sitting/attendance/", dl.attendance_set, name="dl_attendance"),
    path("dl/<int:pk>/sitting/observer/", dl.observer_add, name="dl_observer"),
    path("dl/<int:pk>/sitting/commentary/", dl.commentary_add, name="dl_commentary"),
    path("dl/<int:pk>/sitting/closing/", dl.closing_add, name="dl_closing"),
    path("dl/<int:pk>/sitting/close/", dl.sitting_close, name="dl_sitting_close"),
    path("dl/relay/<int:pk>/", dl.relay_record, name="dl_relay"),
    path("dl/<int:pk>/after/", dl.after_view, name="dl_after"),
    path("dl/<int:pk>/after/measure/", dl.measure_add, name="dl_measure"),
    # 分管 (P-DL-2.6.c): pk is the leading team
    path("dl/team/<int:pk>/oversight/", dl.team_oversight, name="dl_team_oversight"),
    path("dl/team/<int:pk>/oversight/save/", dl.team_oversight_save, name="dl_team_oversight_save"),
]
