from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("org/<int:org>/", views.dashboard, name="dashboard_org"),
    path("export/", views.dashboard_export, name="dashboard_export"),
    path("org/<int:org>/export/", views.dashboard_export, name="dashboard_export_org"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("calendar/token/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
