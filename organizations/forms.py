from django import forms

from . import idnumber
from .choices import PositionKind
from .models import Member, PartySmallGroup


class MemberForm(forms.ModelForm):
    id_number = forms.CharField(label="公民身份号码", max_length=20, required=False, help_text="留空表示不修改")
    phone = forms.CharField(label="手机号码", max_length=20, required=False, help_text="留空表示不修改")
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Member
        fields = [
            "name",
            "small_group",
            "joined_on",
            "job_title",
            "is_probationary",
            "is_leading_cadre",
            "is_elderly_or_infirm",
            "is_mobile",
            "flow_direction",
            "flow_organization_name",
            "is_in_difficulty",
        ]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["small_group"].queryset = PartySmallGroup.objects.filter(organization_id=self.instance.organization_id)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_id_number(self):
        raw = self.cleaned_data["id_number"].strip()
        if not raw:
            return None
        try:
            return idnumber.validate(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_phone(self):
        from accounts.models import normalize_phone

        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return None
        digits = normalize_phone(raw)
        if len(digits) != 11 or not digits.startswith("1"):
            raise forms.ValidationError("应为11位手机号码")
        return digits

    def clean(self):
        data = super().clean()
        if data.get("is_mobile") and not data.get("flow_direction"):
            self.add_error("flow_direction", "流动党员须注明流入或流出")
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="党员名册（.xlsx）")


class AppointForm(forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none())
    kind = forms.ChoiceField(label="职务", choices=PositionKind.choices)
    started_on = forms.DateField(label="任职日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(organization=organization, is_active=True).order_by("name")
