from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="用户名或手机号", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": "用户名/手机号或密码不正确。连续失败5次将锁定15分钟。",
        "inactive": "该账号已停用。",
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态口令（6位数字）",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        value = self.cleaned_data["token"].strip()
        if not value.isdigit():
            raise forms.ValidationError("动态口令只包含数字。")
        return value


class PolicyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        from .models import SecurityPolicy

        model = SecurityPolicy
        fields = (
            "lockout_threshold",
            "lockout_minutes",
            "session_idle_minutes",
            "session_absolute_hours",
            "password_max_age_days",
            "totp_required",
            "audit_retention_days",
        )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="事件代码", required=False, max_length=60)
    actor = forms.CharField(label="操作人", required=False, max_length=100)
    since = forms.DateField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
