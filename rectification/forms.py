from django import forms
from django.db.models import Q

from organizations.models import Member, Organization

from .choices import CommentStatus, ProblemScope, ProblemSource
from .reports import SECTION_KEYS, headings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def eligible_members(meeting):
    """Who can be responsible: the organization's roster, and for a 民主生活会 the team's leaders."""
    q = Q(organization_id=meeting.organization_id, is_active=True)
    if meeting.leading_team_id:
        q |= Q(team_memberships__team_id=meeting.leading_team_id, team_memberships__ended_on__isnull=True)
    return Member.objects.filter(q).distinct().order_by("name", "pk")


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label="问题来源", choices=ProblemSource.choices)
    scope = forms.ChoiceField(
        label="属于", choices=[("", "暂不确定"), *ProblemScope.choices], required=False, help_text="OL-4.1.b：分清党组织的问题和党员个人的问题"
    )
    owner_member = forms.ModelChoiceField(label="个人问题的责任人", queryset=Member.objects.none(), required=False)
    description = forms.CharField(label="问题表现", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    category = forms.CharField(label="问题类别", max_length=50, required=False)
    strong_public_concern = forms.BooleanField(label="群众反映强烈", required=False)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_member"].queryset = eligible_members(meeting)

    def clean(self):
        data = super().clean()
        if data.get("scope") == ProblemScope.PERSONAL and not data.get("owner_member"):
            self.add_error("owner_member", "个人问题须明确责任人（OL-4.1.b）。")
        return data


class ClassifyForm(forms.Form):
    scope = forms.ChoiceField(label="属于", choices=ProblemScope.choices)
    owner_member = forms.ModelChoiceField(label="个人问题的责任人", queryset=Member.objects.none(), required=False)
    description = forms.CharField(label="问题表现", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    category = forms.CharField(label="问题类别", max_length=50, required=False)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_member"].queryset = eligible_members(meeting)

    def clean(self):
        data = super().clean()
        if data.get("scope") == ProblemScope.PERSONAL and not data.get("owner_member"):
            self.add_error("owner_member", "个人问题须明确责任人（OL-4.1.b）。")
        return data


class ItemForm(forms.Form):
    """The four clear parts (OL-4.1.c). Every field may be left empty in a draft."""

    goal = forms.CharField(label="整改目标", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    measures = forms.CharField(label="整改措施（途径）", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    responsible_member = forms.ModelChoiceField(label="责任人", queryset=Member.objects.none(), required=False)
    responsible_organization = forms.ModelChoiceField(label="或责任单位", queryset=Organization.objects.none(), required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    is_public = forms.BooleanField(label="向群众公示（OL-4.1.d）", required=False)
    note = forms.CharField(label="修改原因（已确定的事项须填写）", required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_member"].queryset = eligible_members(meeting)
        self.fields["responsible_organization"].queryset = Organization.objects.subtree_of(meeting.organization).filter(
            depth__lte=meeting.organization.depth + 1
        )

    def item_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("goal", "measures", "responsible_member", "responsible_organization", "deadline", "is_public")}


class ProgressForm(forms.Form):
    note = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class PublishForm(forms.Form):
    form = forms.CharField(label="公示形式", max_length=100, required=False, initial="网上公开页面、公示栏")
    scope = forms.CharField(label="公示范围", max_length=200, required=False, initial="党员群众")


class BoardForm(forms.Form):
    show_responsible_names = forms.BooleanField(label="在公开页面显示责任人姓名", required=False)
    comments_open = forms.BooleanField(label="接受群众留言（留言经审核后公开）", required=False)
    supervision_contact = forms.CharField(label="监督渠道（电话、信箱等，将公开显示）", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ModerateForm(forms.Form):
    status = forms.ChoiceField(choices=[(CommentStatus.APPROVED, "公开"), (CommentStatus.HIDDEN, "不公开")])
    reply = forms.CharField(label="答复（随留言公开）", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)


class PublicCommentForm(forms.Form):
    content = forms.CharField(label="您的意见或建议", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, min_length=5)
    signature = forms.CharField(label="称呼（可不填）", max_length=30, required=False)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A field people never see (hidden by CSS): robots fill it in, people do not.
    website = forms.CharField(required=False, max_length=200, label="请勿填写")


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = headings(meeting)
        for key in SECTION_KEYS:
            self.fields[key] = forms.CharField(label=labels[key], widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=20000)

    def sections(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in SECTION_KEYS}


class UploadForm(forms.Form):
    file = forms.FileField(label="会议原始记录复印件（PDF或JPG/PNG扫描件）")


class CircularForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    content = forms.CharField(label="通报内容", widget=forms.Textarea(attrs={"rows": 14}), required=False, max_length=30000)
    scope = forms.CharField(label="通报范围", max_length=200, required=False, help_text="例如：本单位全体干部职工、服务对象")
    form = forms.CharField(label="通报形式", max_length=100, required=False, help_text="例如：召开干部大会通报、书面通报、公开栏、内网")
    is_public = forms.BooleanField(label="同时在公开页面发布", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
