"""URLs of opinions, talks, sittings and the problem list (ol-prep)."""

from django.urls import path

from .views import opinions, problems, sittings, talks

urlpatterns = [
    # 征求意见 (OL-2.3)
    path("<int:pk>/opinions/", opinions.opinions_page, name="opinions"),
    path("<int:pk>/opinions/add/", opinions.opinions_add, name="opinions_add"),
    path("<int:pk>/opinions/give/", opinions.opinion_give, name="opinion_give"),
    path("<int:pk>/opinions/merge/", opinions.opinions_merge, name="opinions_merge"),
    path("<int:pk>/opinions/link/", opinions.opinion_link, name="opinion_link"),
    path("<int:pk>/opinions/summary/", opinions.summary_page, name="opinion_summary"),
    path("<int:pk>/opinions/summary/freeze/", opinions.summary_freeze, name="opinion_summary_freeze"),
    path("<int:pk>/opinions/feedback/", opinions.feedback_page, name="opinion_feedback"),
    path("<int:pk>/opinions/feedback/notify/", opinions.feedback_notify, name="feedback_notify"),
    path("<int:pk>/opinions/feedback/personal/", opinions.feedback_personal, name="feedback_personal"),
    path("opinions/<int:pk>/edit/", opinions.opinion_edit, name="opinion_edit"),
    path("opinions/<int:pk>/vague/", opinions.opinion_vague, name="opinion_vague"),
    path("opinions/<int:pk>/unmerge/", opinions.opinion_unmerge, name="opinion_unmerge"),
    path("feedback/<int:pk>/acknowledge/", opinions.feedback_ack, name="feedback_ack"),
    path("o/<str:token>/", opinions.opinion_public, name="opinion_public"),
    path("o/<str:token>/thanks/", opinions.opinion_public_thanks, name="opinion_public_thanks"),
    # 谈心谈话 (OL-2.4)
    path("<int:pk>/talks/", talks.talks_page, name="talks"),
    path("<int:pk>/talks/add/", talks.talk_add, name="talk_add"),
    path("<int:pk>/talks/flags/", talks.talk_flag_add, name="talk_flag_add"),
    # 民主生活会: a leader's own talks (P-DL-2.6.a–d)
    path("<int:pk>/talks/mine/", talks.talks_mine, name="talks_mine"),
    path("<int:pk>/talks/mine/record/", talks.talks_mine_record, name="talks_mine_record"),
    path("talks/<int:pk>/", talks.talk_edit, name="talk_edit"),
    path("talks/<int:pk>/delete/", talks.talk_delete, name="talk_delete"),
    path("talk-flags/<int:pk>/remove/", talks.talk_flag_remove, name="talk_flag_remove"),
    # 召开会议 (OL-3.1–3.3)
    path("<int:pk>/sittings/", sittings.sittings_page, name="sittings"),
    path("<int:pk>/sittings/open/", sittings.sitting_open, name="sitting_open"),
    path("<int:pk>/commentary/", sittings.commentary_page, name="commentary"),
    path("<int:pk>/closing/", sittings.closing_page, name="closing"),
    path("sittings/<int:pk>/", sittings.sitting_page, name="sitting"),
    path("sittings/<int:pk>/save/", sittings.sitting_save, name="sitting_save"),
    path("sittings/<int:pk>/attendance/", sittings.sitting_attendance, name="sitting_attendance"),
    path("sittings/<int:pk>/statement/", sittings.statement_add, name="statement_add"),
    path("sittings/<int:pk>/guide/", sittings.sitting_guide, name="sitting_guide"),
    path("sittings/<int:pk>/close/", sittings.sitting_close, name="sitting_close"),
    path("statements/<int:pk>/respond/", sittings.statement_respond, name="statement_respond"),
    path("statements/<int:pk>/remove/", sittings.statement_remove, name="statement_remove"),
    # 问题清单 (OL-4.1)
    path("<int:pk>/problems/", problems.problems_page, name="problems"),
    path("<int:pk>/problems/generate/", problems.problems_generate, name="problems_generate"),
    path("problems/<int:pk>/classify/", problems.problem_classify, name="problem_classify"),
]
