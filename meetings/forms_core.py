"""Forms of the core meeting pages (create, campaign, plan, study, override)."""

import datetime

from django import forms

from .choices import Half, MeetingKind, StudyForm
from .models import Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _years():
    this = datetime.date.today().year
    return [(y, f"{y}年") for y in range(this + 1, this - 3, -1)]


def default_year(today: datetime.date | None = None) -> int:
    """The 年度 a secretary most likely means: a year's meetings run into January and February of
    the next one (year-end 组织生活会 and 民主生活会 are often held then), so early in a year the
    default is the year before."""
    today = today or datetime.date.today()
    return today.year - 1 if today.month <= 2 else today.year


class MeetingCreateForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=MeetingKind.ORG_LIFE)
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=_years, initial=default_year)
    half = forms.ChoiceField(label="年中/年底（组织生活会）", choices=[(Half.MID_YEAR, "年中"), (Half.YEAR_END, "年底")], required=False, initial=Half.YEAR_END)

    def __init__(self, organizations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CampaignForm(forms.Form):
    organization = forms.ModelChoiceField(label="部署组织", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=MeetingKind.ORG_LIFE)
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=_years, initial=default_year)
    half = forms.ChoiceField(label="年中/年底（组织生活会）", choices=[(Half.MID_YEAR, "年中"), (Half.YEAR_END, "年底")], required=False, initial=Half.YEAR_END)
    theme = forms.CharField(label="主题", max_length=200)
    requirements = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    readings = forms.CharField(label="必读篇目（每行一篇）", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    window_start = forms.DateField(label="时间窗口起", widget=DATE)
    window_end = forms.DateField(label="时间窗口止", widget=DATE)

    def __init__(self, organizations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if data.get("window_start") and data.get("window_end") and data["window_start"] > data["window_end"]:
            self.add_error("window_end", "结束日期不能早于开始日期。")
        return data


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Plan
        fields = ["theme", "scheduled_date", "start_time", "place", "form", "participants", "observers", "agenda", "preparation", "requirements"]
        widgets = {
            "scheduled_date": DATE,
            "start_time": TIME,
            "form": forms.Textarea(attrs={"rows": 2}),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "observers": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "preparation": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "form": "OL-2.1.b：设支委会的先开支委会再开党员大会；不设支委会的直接召开党员大会",
            "scheduled_date": "须在部署的时间窗口内（OL-1.2.a）",
        }


class ReasonForm(forms.Form):
    comment = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class OverrideForm(forms.Form):
    rule_id = forms.ChoiceField(label="豁免的规则")
    reason = forms.CharField(label="理由（将永久显示在会议页面）", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_id"].choices = choices


class ReadingForm(forms.Form):
    title = forms.CharField(label="篇目", max_length=300)
    source = forms.CharField(label="出处/链接", max_length=300, required=False)


class SessionForm(forms.Form):
    form = forms.ChoiceField(label="形式", choices=StudyForm.choices)
    title = forms.CharField(label="内容", max_length=200)
    date = forms.DateField(label="日期", widget=DATE)
    hours = forms.DecimalField(label="时长（小时）", min_value=0.5, max_value=24, decimal_places=1)
    place = forms.CharField(label="地点", max_length=100, required=False)
