from django import forms
from django.utils import timezone

from .choices import DispositionKind, ResolutionBody, VotingMode


class OpenVotingForm(forms.Form):
    mode = forms.ChoiceField(label="测评方式", choices=VotingMode.choices, widget=forms.RadioSelect, initial=VotingMode.SITTING)
    sitting = forms.ModelChoiceField(label="测评所在会议", queryset=None, required=False, empty_label="请选择")
    window_end = forms.DateTimeField(
        label="网上测评截止时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from meetings.models import Sitting

        self.fields["sitting"].queryset = Sitting.objects.filter(meeting=meeting).order_by("order")
        self.fields["sitting"].label_from_instance = lambda s: f"{s.get_kind_display()}{' ' + s.date.isoformat() if s.date else ''}"

    def clean(self):
        data = super().clean()
        if data.get("mode") == VotingMode.SITTING and not data.get("sitting"):
            self.add_error("sitting", "会上当场测评请选择会议场次（一般为党员大会）。")
        if data.get("mode") == VotingMode.WINDOW:
            end = data.get("window_end")
            if not end:
                self.add_error("window_end", "请填写网上测评截止时间。")
            elif end <= timezone.now():
                self.add_error("window_end", "截止时间须晚于现在。")
        return data


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(label="个人自评", widget=forms.Textarea(attrs={"rows": 10}), required=False, max_length=3000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PeerCommentForm(forms.Form):
    subject = forms.ModelChoiceField(label="评议对象", queryset=None, empty_label="请选择党员")
    text = forms.CharField(label="评议意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)

    def __init__(self, appraisal, member, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from organizations.models import Member

        qs = Member.objects.filter(organization_id=appraisal.organization_id, is_active=True).order_by("name", "pk")
        if member is not None:
            qs = qs.exclude(pk=member.pk)
        self.fields["subject"].queryset = qs


class ResolutionForm(forms.Form):
    body = forms.ChoiceField(label="作出决议的会议", choices=ResolutionBody.choices)
    resolution_date = forms.DateField(label="决议日期", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="决议内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class DecisionForm(forms.Form):
    comment = forms.CharField(label="审批意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000)


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=DispositionKind.choices)
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="改正期限（限期改正时填写，默认6个月）", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class StepDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
