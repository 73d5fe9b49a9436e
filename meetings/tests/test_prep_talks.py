"""谈心谈话 (OL-2.4): the generated plan, records, coverage, care and mediation talks."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ConcurrentEditError, DomainError
from meetings.choices import Stage, TalkFlagKind, TalkKind
from meetings.models import Talk, TalkFlag
from meetings.services import talks as svc
from tests.factories import make_member

from .factories_prep import days_ago, make_ol_meeting

pytestmark = pytest.mark.django_db


def _part(view, clause):
    return view.coverage.part(clause)


def test_OL_2_1_c_talks_refused_before_plan_approval(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.PLANNING)
    with pytest.raises(DomainError):
        svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, held_on=days_ago(1))
    assert not Talk.objects.exists()


@pytest.mark.parametrize("slug", ["district-2024", "national-baseline"])
def test_OL_2_4_b_c_plan_from_the_rulebook_and_coverage(world, slug):
    meeting = make_ol_meeting(world.b1, slug=slug)
    view = svc.plan_view(meeting)
    b = _part(view, "OL-2.4.b")
    assert b.required == 2 and b.done == 0  # secretary with the committee member and the member
    assert _part(view, "OL-2.4.c").required == 0  # the secretary–committee pair already belongs to b
    svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, held_on=days_ago(1))
    assert _part(svc.plan_view(meeting), "OL-2.4.b").done == 1
    names = dict((p.clause, n) for p, n in svc.lacking(svc.plan_view(meeting)))
    assert names["OL-2.4.b"] == [f"{world.secretary_member.name} — {world.committee_member_member.name}"]


def test_OL_2_4_a_superior_head_records_own_talk_with_the_secretary(world):
    meeting = make_ol_meeting(world.b1)
    assert _part(svc.plan_view(meeting), "OL-2.4.a").done == 0
    with pytest.raises(PermissionDenied):
        svc.record_talk(meeting, actor=world.secretary, user_a=world.secretary, member_b=world.secretary_member, held_on=days_ago(1))
    svc.record_talk(meeting, actor=world.reviewer, user_a=world.reviewer, member_b=world.secretary_member, held_on=days_ago(1), key_points="谈了支部建设")
    assert _part(svc.plan_view(meeting), "OL-2.4.a").done == 1


def test_OL_2_4_record_needs_only_the_date_and_completes_a_scheduled_talk(world):
    meeting = make_ol_meeting(world.b1)
    scheduled = svc.schedule_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, scheduled_on=days_ago(-3))
    with pytest.raises(DomainError) as exc:
        svc.record_talk(meeting, actor=world.secretary, member_a=world.member_member, member_b=world.secretary_member, held_on=None)
    assert "谈话日期" in exc.value.message
    with pytest.raises(DomainError):
        svc.record_talk(meeting, actor=world.secretary, member_a=world.member_member, member_b=world.secretary_member, held_on=days_ago(-1))
    talk = svc.record_talk(meeting, actor=world.secretary, member_a=world.member_member, member_b=world.secretary_member, held_on=days_ago(0))
    assert talk.pk == scheduled.pk and Talk.objects.count() == 1


def test_member_records_only_own_talks(world):
    meeting = make_ol_meeting(world.b1)
    other = make_member(world.b1, name="周党员")
    with pytest.raises(DomainError):
        svc.record_talk(meeting, actor=world.member, member_a=world.committee_member_member, member_b=other, held_on=days_ago(1))
    svc.record_talk(meeting, actor=world.member, member_a=world.member_member, member_b=other, held_on=days_ago(1))
    with pytest.raises(DomainError):
        svc.record_talk(meeting, actor=world.member, member_a=world.member_member, member_b=world.member_member, held_on=days_ago(1))


def test_OL_2_4_d_each_member_talks_with_another(world):
    meeting = make_ol_meeting(world.b1)
    d = _part(svc.plan_view(meeting), "OL-2.4.d")
    assert d.required == 2 and d.done == 0
    svc.record_talk(meeting, actor=world.secretary, member_a=world.member_member, member_b=world.committee_member_member, held_on=days_ago(1))
    assert _part(svc.plan_view(meeting), "OL-2.4.d").done == 2


def test_OL_2_4_e_care_talk_needed_for_elderly_and_mobile(world):
    meeting = make_ol_meeting(world.b1)
    old = make_member(world.b1, name="高大爷", is_elderly_or_infirm=True)
    e = _part(svc.plan_view(meeting), "OL-2.4.e")
    assert e.required == 1
    svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=old, held_on=days_ago(1))
    assert _part(svc.plan_view(meeting), "OL-2.4.e").done == 0  # a regular talk is not a care talk
    svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=old, held_on=days_ago(1), kind=TalkKind.CARE, form="home")
    assert _part(svc.plan_view(meeting), "OL-2.4.e").done == 1


def test_OL_2_4_f_confidential_flags_and_mediation_talks(world):
    meeting = make_ol_meeting(world.b1)
    with pytest.raises(PermissionDenied):
        svc.add_flag(meeting, actor=world.committee_member, kind=TalkFlagKind.GRUDGE, member_a=world.member_member)
    with pytest.raises(DomainError):
        svc.add_flag(meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.member_member)
    svc.add_flag(
        meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.member_member, member_b=world.committee_member_member, note="物业费纠纷"
    )
    with pytest.raises(DomainError):
        svc.add_flag(meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.committee_member_member, member_b=world.member_member)
    f = _part(svc.plan_view(meeting), "OL-2.4.f")
    assert f.required == 1 and f.done == 0
    talk = svc.record_talk(
        meeting,
        actor=world.secretary,
        member_a=world.secretary_member,
        member_b=world.member_member,
        held_on=days_ago(1),
        kind=TalkKind.MEDIATION,
        key_points="调解",
    )
    # the mediation pair is the two members; a talk of the secretary with one of them is not it
    assert _part(svc.plan_view(meeting), "OL-2.4.f").done == 0
    svc.record_talk(
        meeting, actor=world.secretary, member_a=world.member_member, member_b=world.committee_member_member, held_on=days_ago(1), kind=TalkKind.MEDIATION
    )
    assert _part(svc.plan_view(meeting), "OL-2.4.f").done == 1
    # confidentiality: a committee member not concerned does not see mediation talks
    outsider_member = make_member(world.b1, name="旁观者", user=True)
    assert talk not in svc.visible_talks(meeting, outsider_member.user)
    assert talk in svc.visible_talks(meeting, world.member)  # a party to it
    assert talk in svc.visible_talks(meeting, world.reviewer)


def test_matrix_marks_held_scheduled_and_required(world):
    meeting = make_ol_meeting(world.b1)
    svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, held_on=days_ago(1))
    svc.schedule_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.committee_member_member, scheduled_on=days_ago(-1))
    view = svc.plan_view(meeting)
    grid = {m.name: cells for m, cells in svc.matrix(view, Talk.objects.filter(meeting=meeting))}
    keys = [m.name for m in view.members]
    row = dict(zip(keys, grid[world.secretary_member.name], strict=True))
    assert row[world.member_member.name] == "held"
    assert row[world.committee_member_member.name] == "scheduled"
    assert row[world.secretary_member.name] == "self"


def test_update_talk_stale_fingerprint(world):
    meeting = make_ol_meeting(world.b1)
    talk = svc.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, held_on=days_ago(1))
    seen = svc.talk_fingerprint(talk)
    svc.update_talk(talk, actor=world.secretary, expected=seen, held_on=days_ago(1), key_points="第一次")
    with pytest.raises(ConcurrentEditError):
        svc.update_talk(talk, actor=world.committee_member, expected=seen, held_on=days_ago(1), key_points="覆盖")
    talk.refresh_from_db()
    assert talk.key_points == "第一次"


def test_flag_removed_only_by_secretary(world):
    meeting = make_ol_meeting(world.b1)
    flag = svc.add_flag(meeting, actor=world.secretary, kind=TalkFlagKind.UNAWARE, member_a=world.member_member)
    with pytest.raises(PermissionDenied):
        svc.remove_flag(flag, actor=world.committee_member)
    svc.remove_flag(flag, actor=world.secretary)
    assert not TalkFlag.objects.exists()


def test_OL_2_4_f_flags_stay_off_the_page_of_ordinary_members(world, client):
    from django.urls import reverse

    meeting = make_ol_meeting(world.b1)
    svc.add_flag(
        meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.member_member, member_b=world.committee_member_member, note="物业费纠纷"
    )
    client.force_login(world.member)
    page = client.get(reverse("meetings:talks", args=[meeting.pk])).content.decode()
    assert '<span class="clause">OL-2.4.f</span>' not in page and "物业费纠纷" not in page and "约谈、调解对象" not in page
    client.force_login(world.reviewer)
    assert "物业费纠纷" in client.get(reverse("meetings:talks", args=[meeting.pk])).content.decode()
