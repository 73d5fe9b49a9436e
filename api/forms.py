from django import forms

from accounts.choices import Role


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="用途", max_length=60, help_text="例如：区委数据看板对接")
    roles = forms.MultipleChoiceField(label="限定角色", required=False, widget=forms.CheckboxSelectMultiple, help_text="不选则使用您的全部角色。")
    read_only = forms.BooleanField(label="只读（不能报告进展、销号等）", required=False, initial=True)
    days = forms.TypedChoiceField(label="有效期", coerce=int, choices=[(30, "30天"), (90, "90天"), (180, "180天"), (365, "1年")], initial=180)

    def __init__(self, *args, held_roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["roles"].choices = [(r, labels.get(r, r)) for r in sorted(held_roles)]
