from django.urls import path

from . import views, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views_security.otp_setup, name="otp_setup"),
    path("otp/verify/", views_security.otp_verify, name="otp_verify"),
    path("admin/users/", views_security.user_list, name="admin_users"),
    path("admin/users/<int:pk>/deactivate/", views_security.user_deactivate, name="user_deactivate"),
    path("admin/users/<int:pk>/activate/", views_security.user_activate, name="user_activate"),
    path("admin/users/<int:pk>/force-password/", views_security.user_force_password, name="user_force_password"),
    path("admin/users/<int:pk>/reset-otp/", views_security.user_reset_otp, name="user_reset_otp"),
    path("security/policy/", views_security.policy_edit, name="policy"),
    path("audit/", views_security.audit_log, name="audit_log"),
]
