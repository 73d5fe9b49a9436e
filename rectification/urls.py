from django.urls import path

from . import views, views_public, views_reports

app_name = "rectification"
urlpatterns = [
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("mine/", views.mine, name="mine"),
    path("meeting/<int:pk>/", views.meeting_overview, name="meeting"),
    path("meeting/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("meeting/<int:pk>/publish/", views.publish, name="publish"),
    path("problems/<int:pk>/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/finalize/", views.item_finalize, name="item_finalize"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("items/<int:pk>/request-closure/", views.item_request_closure, name="item_request_closure"),
    path("items/<int:pk>/close/", views.item_close, name="item_close"),
    path("items/<int:pk>/return/", views.item_return, name="item_return"),
    path("items/<int:pk>/reopen/", views.item_reopen, name="item_reopen"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    # report package and circular
    path("meeting/<int:pk>/report/", views_reports.report_view, name="report"),
    path("meeting/<int:pk>/report/save/", views_reports.report_save, name="report_save"),
    path("meeting/<int:pk>/report/scan/", views_reports.report_scan, name="report_scan"),
    path("meeting/<int:pk>/report/submit/", views_reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/scan/", views_reports.report_scan_download, name="report_scan_download"),
    path("reports/inbox/", views_reports.inbox, name="inbox"),
    path("filings/<int:pk>/receive/", views_reports.filing_receive, name="filing_receive"),
    path("filings/<int:pk>/return/", views_reports.filing_return, name="filing_return"),
    path("meeting/<int:pk>/circular/", views_reports.circular_view, name="circular"),
    path("meeting/<int:pk>/circular/save/", views_reports.circular_save, name="circular_save"),
    # public page (no login) and its settings
    path("p/<str:token>/", views_public.public_page, name="public"),
    path("p/<str:token>/comment/", views_public.public_comment, name="public_comment"),
    path("org/<int:pk>/public/", views_public.board_settings, name="board"),
    path("comments/<int:pk>/moderate/", views_public.comment_moderate, name="comment_moderate"),
]
