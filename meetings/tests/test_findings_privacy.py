"""The meeting page names whom a finding concerns; the OL-2.4.f names (who needs mediation,
which two members were in conflict) only for the secretary, the meeting's managers and the
superior — other overseers see the finding without names, ordinary members see no findings."""

import pytest
from django.urls import reverse

from meetings import findings_display
from meetings.choices import TalkFlagKind
from meetings.services import talks
from rulebook.engine import Finding
from rulebook.snapshot import MeetingSnapshot, OrgInfo, Person

from .factories_prep import make_ol_meeting

pytestmark = pytest.mark.django_db


def _finding_html(page: str, rule_id: str) -> str | None:
    for chunk in page.split('data-rule="')[1:]:
        if chunk.startswith(f'{rule_id}"'):
            return chunk.split('<div class="clause">')[0]  # the finding's own text, up to its clause line
    return None


def test_OL_2_4_f_mediation_names_only_for_the_secretary_and_the_superior(world, client):
    meeting = make_ol_meeting(world.b1)
    talks.add_flag(meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.member_member, member_b=world.committee_member_member)
    url = reverse("meetings:detail", args=[meeting.pk])
    pairs = ("钱委员—孙党员", "孙党员—钱委员")  # in the order of the member keys
    for user, named in ((world.secretary, True), (world.reviewer, True), (world.inspector, True), (world.committee_member, False)):
        client.force_login(user)
        page = client.get(url).content.decode()
        mediation = _finding_html(page, "OL-2.4.f")
        assert mediation is not None, user  # every overseer sees the finding …
        assert any(p in mediation for p in pairs) is named, user  # … the names only where allowed
        assert ("涉及人员保密" in mediation) is not named
        # names of other findings are not confidential: the secretary's talks (OL-2.4.b)
        assert "孙党员" in _finding_html(page, "OL-2.4.b"), user
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert _finding_html(page, "OL-2.4.f") is None and not any(p in page for p in pairs)


def test_OL_2_4_f_findings_display_withholds_confidential_objects():
    snap = MeetingSnapshot(
        meeting_id=1,
        kind="org_life",
        organization=OrgInfo(kind="branch", sector="community"),
        today=None,
        roster=(Person(key="m1", name="甲"), Person(key="m2", name="乙")),
    )
    mediation = Finding("OL-2.4.f", "warning", ("OL-2.4.f",), "有1项……", objects=(("m1", "m2"),))
    quota = Finding("OL-2.4.d", "warning", ("OL-2.4.d",), "……", objects=(("m2", 1), ("m9", 2)))
    secret, open_ = findings_display.for_viewer([mediation, quota], snap, confidential=False)
    assert (secret.names, secret.withheld, secret.message) == ((), True, "有1项……")
    assert open_.names == ("乙（还差1次）",)  # unknown keys are left out
    [allowed] = findings_display.for_viewer([mediation], snap, confidential=True)
    assert (allowed.names, allowed.withheld) == (("甲—乙",), False)
