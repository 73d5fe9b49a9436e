"""召开会议 (OL-3.1–3.3): order of the sittings, attendance, criticism, answers, 点评 and 小结."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ConcurrentEditError, DomainError
from meetings.choices import CriticismKind, ParticipationMode, SittingKind, SittingStatus, Stage
from meetings.models import Attendance, Criticism, Sitting
from meetings.services import sittings as svc
from tests.factories import make_member

from .factories_prep import add_committee_member, days_ago, make_ol_meeting, make_opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_gates(monkeypatch):
    """Other parts' blockers (study, self-examination…) are not under test here."""
    from rulebook import engine

    monkeypatch.setattr(engine, "blockers", lambda *a, **k: [])


def _ready(org, **kw):
    return make_ol_meeting(org, stage=Stage.READY, **kw)


def _hold_committee(meeting, world):
    c = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(2))
    sec, com = world.secretary_member, world.committee_member_member
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=sec, content="本人联系群众不够，全年只走访12户。")
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=com, content="网格走访只去过两次。", suggestion="每月走访一次。")
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=com, content="学习不够系统，3次集中学习缺席1次。")
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=com, target=sec, content="主题党日形式单一。", suggestion="请党员轮流主持。")
    c.refresh_from_db()
    svc.close_sitting(c, actor=world.secretary, version=c.version)
    return c


def test_OL_2_0_sittings_wait_for_ready(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.PREPARING)
    with pytest.raises(DomainError):
        svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(0))
    assert not Sitting.objects.exists()


def test_OL_3_1_a_general_before_committee_refused_with_clear_message(world):
    meeting = _ready(world.b1)
    with pytest.raises(DomainError) as exc:
        svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(0))
    assert "先召开支委会" in exc.value.message and "OL-3.1.a" in exc.value.message
    c = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(1))
    with pytest.raises(DomainError):
        svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(0))
    with pytest.raises(DomainError):
        svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(1))  # twice
    assert Sitting.objects.filter(meeting=meeting).count() == 1 and c.status == SittingStatus.OPEN


def test_OL_3_1_d_branch_without_committee_holds_the_general_sitting_directly(world):
    meeting = _ready(world.b2)
    with pytest.raises(DomainError) as exc:
        svc.open_sitting(meeting, actor=world.outsider, kind=SittingKind.COMMITTEE, date=days_ago(0))
    assert "直接召开党员大会" in exc.value.message
    s = svc.open_sitting(meeting, actor=world.outsider, kind=SittingKind.GENERAL, date=days_ago(0))
    assert s.order == 1 and svc.is_last(s)


def test_OL_1_3_attendance_reasons_flexible_and_flow_organization(world):
    meeting = _ready(world.b2)
    old = make_member(world.b2, name="高大爷", is_elderly_or_infirm=True)
    mobile = make_member(world.b2, name="外出党员", is_mobile=True, flow_direction="out", flow_organization_name="深圳某街道党工委")
    cadre = make_member(world.b2, name="领导干部", is_leading_cadre=True)
    s = svc.open_sitting(meeting, actor=world.outsider, kind=SittingKind.GENERAL, date=days_ago(0))
    seeded = {a.member_id: a for a in Attendance.objects.filter(sitting=s)}
    assert seeded[mobile.pk].mode == ParticipationMode.AT_FLOW_ORG and seeded[mobile.pk].flow_organization_name == "深圳某街道党工委"
    assert seeded[cadre.pk].as_ordinary_member  # OL-1.3.c
    bad = [svc.AttendanceRow(world.outsider_member, ParticipationMode.ABSENT)]
    with pytest.raises(DomainError) as exc:
        svc.record_attendance(s, actor=world.outsider, version=s.version, rows=bad)
    assert "缺席原因" in exc.value.message
    with pytest.raises(DomainError) as exc:
        svc.record_attendance(
            s, actor=world.outsider, version=s.version, rows=[svc.AttendanceRow(old, ParticipationMode.AT_FLOW_ORG, flow_organization_name="x")]
        )
    assert "OL-1.3.e" in exc.value.message
    with pytest.raises(DomainError):
        svc.record_attendance(s, actor=world.outsider, version=s.version, rows=[svc.AttendanceRow(mobile, ParticipationMode.AT_FLOW_ORG)])
    rows = [
        svc.AttendanceRow(old, ParticipationMode.HOME_VISIT),
        svc.AttendanceRow(cadre, ParticipationMode.ABSENT, absence_reason="出差"),
        svc.AttendanceRow(mobile, ParticipationMode.AT_FLOW_ORG, flow_organization_name="深圳某街道党工委"),
    ]
    svc.record_attendance(s, actor=world.outsider, version=s.version, rows=rows)
    with pytest.raises(ConcurrentEditError):
        svc.record_attendance(s, actor=world.outsider, version=s.version, rows=rows)  # stale version
    saved = {a.member_id: a for a in Attendance.objects.filter(sitting=s).select_related("member")}
    assert saved[old.pk].mode == ParticipationMode.HOME_VISIT and saved[cadre.pk].absence_reason == "出差"
    assert svc.attendance_warnings(s, saved.values()) == []
    young = saved[world.outsider_member.pk]
    young.mode = ParticipationMode.REMOTE
    assert "OL-1.3.d" in svc.attendance_warnings(s, [young])[0]


def test_OL_3_1_b_e_committee_criticism_and_order_warnings(world):
    meeting = _ready(world.b1)
    c = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(1))
    with pytest.raises(DomainError):  # an ordinary member does not speak at the 支委会
        svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=world.member_member, content="事实")
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=world.committee_member_member, content="学习不够")
    warnings = svc.order_warnings(c, list(Criticism.objects.filter(sitting=c)))
    assert any("OL-3.1.e" in w for w in warnings)
    assert any("还没有自我批评" in w and world.secretary_member.name in w for w in warnings)
    assert any("还没有对" in w for w in warnings)


def test_OL_3_1_g_h_criticism_names_target_facts_and_suggestion(world):
    meeting = _ready(world.b1)
    c = svc.open_sitting(meeting, actor=world.committee_member, kind=SittingKind.COMMITTEE, date=days_ago(1))
    sec = world.secretary_member
    with pytest.raises(DomainError) as exc:
        svc.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, content="有问题", suggestion="改")
    assert "OL-3.1.h" in exc.value.message
    with pytest.raises(DomainError) as exc:
        svc.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=world.committee_member_member, content="走访少")
    assert "OL-3.1.g" in exc.value.message
    with pytest.raises(DomainError):
        svc.add_statement(
            c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=world.committee_member_member, content="  ", suggestion="多走访"
        )
    st = svc.add_statement(
        c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=world.committee_member_member, content="走访少", suggestion="多走访"
    )
    svc.respond(st, actor=world.secretary, response="诚恳接受")
    st.refresh_from_db()
    assert st.seq == 1 and st.response == "诚恳接受"
    with pytest.raises(PermissionDenied):
        svc.add_statement(c, actor=world.member, kind=CriticismKind.SELF, speaker=sec, content="x")


def test_OL_3_1_c_report_by_the_secretary_at_the_general_sitting(world, no_gates):
    meeting = _ready(world.b1)
    _hold_committee(meeting, world)
    g = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(1))
    with pytest.raises(DomainError):
        svc.add_statement(g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=world.committee_member_member, content="通报")
    assert any("OL-3.1.c" in w for w in svc.order_warnings(g, []))
    svc.add_statement(g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=world.secretary_member, content="通报班子对照检查情况")
    with pytest.raises(DomainError):
        svc.add_statement(g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=world.secretary_member, content="再通报")
    st = svc.add_statement(
        g, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=world.member_member, about_team=True, content="班子开会通知太晚", suggestion="提前三天通知"
    )
    assert st.about_team and st.target is None
    assert not any("OL-3.1.c" in w for w in svc.order_warnings(g, list(Criticism.objects.filter(sitting=g).order_by("seq"))))


def test_OL_3_1_f_concerns_answered_one_by_one_before_closing(world, no_gates):
    meeting = _ready(world.b1)
    strong = make_opinion(meeting, target_member=world.committee_member_member, strong_public_concern=True)
    superior = make_opinion(meeting, giver_kind="上级党组织", content="上级点明：支部“三会一课”记录不全，2月、5月缺记录。")
    c = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(2))
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=world.secretary_member, content="联系群众不够")
    assert [o.pk for o in svc.unanswered(meeting, c)] == [strong.pk]  # the team one is answered at the 党员大会
    with pytest.raises(DomainError) as exc:
        c.refresh_from_db()
        svc.close_sitting(c, actor=world.secretary, version=c.version)
    assert "OL-3.1.f" in exc.value.message
    svc.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=world.committee_member_member, content="走访少", answers=[strong])
    c.refresh_from_db()
    svc.close_sitting(c, actor=world.secretary, version=c.version)
    g = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(1))
    assert svc.unanswered(meeting, g) == [superior]


def test_OL_3_2_OL_3_3_commentary_closing_and_the_meeting_becomes_held(world, no_gates):
    meeting = _ready(world.b1)
    make_opinion(meeting)
    _hold_committee(meeting, world)
    g = svc.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(1))
    svc.add_statement(g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=world.secretary_member, content="通报班子对照检查情况")
    g.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        svc.close_sitting(g, actor=world.secretary, version=g.version)
    assert "OL-3.3.a" in exc.value.message
    with pytest.raises(PermissionDenied):
        svc.save_commentary(meeting, actor=world.secretary, expected="", on_preparation="", on_criticism="好", on_effect="", guidance=["x"])
    with pytest.raises(DomainError):
        svc.save_commentary(meeting, actor=world.reviewer, expected="", on_preparation="", on_criticism="好", on_effect="", guidance=[" "])
    com = svc.save_commentary(
        meeting,
        actor=world.reviewer,
        expected="",
        on_preparation="准备充分",
        on_criticism="批评辣味足",
        on_effect="红脸出汗",
        guidance=["加强流动党员管理", "规范三会一课记录"],
    )
    g.refresh_from_db()
    assert g.guide == world.reviewer  # OL-3.2.a
    with pytest.raises(ConcurrentEditError):
        svc.save_commentary(meeting, actor=world.reviewer, expected="", on_preparation="", on_criticism="改", on_effect="", guidance=["a"])
    closing = svc.save_closing(meeting, actor=world.secretary, expected="", commitment="坚决整改", guidance_responses=["建立联系台账"])
    assert closing.author == world.secretary_member
    g.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        svc.close_sitting(g, actor=world.secretary, version=g.version)
    assert "第2条指导意见" in exc.value.message and "党员群众意见" in exc.value.message
    svc.save_closing(
        meeting,
        actor=world.secretary,
        expected=svc.fingerprint(closing),
        commitment="坚决整改",
        guidance_responses=["建立联系台账", "指定专人记录"],
        opinions_response="逐条落实",
    )
    with pytest.raises(PermissionDenied):
        svc.close_sitting(g, actor=world.committee_member, version=g.version)
    svc.close_sitting(g, actor=world.secretary, version=g.version)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.HELD
    assert com.guidance == ["加强流动党员管理", "规范三会一课记录"]
    with pytest.raises(DomainError):
        svc.add_statement(g, actor=world.secretary, kind=CriticismKind.SELF, speaker=world.secretary_member, content="晚了")


def test_gate_refusal_keeps_the_last_sitting_open(world, monkeypatch):
    from meetings import lifecycle

    meeting = _ready(world.b2)
    g = svc.open_sitting(meeting, actor=world.outsider, kind=SittingKind.GENERAL, date=days_ago(0))
    svc.add_statement(g, actor=world.outsider, kind=CriticismKind.SELF, speaker=world.outsider_member, content="带头作用不够")
    svc.save_closing(meeting, actor=world.outsider, expected="", commitment="整改")

    def refuse(*a, **k):
        raise DomainError("还有1项必须解决的问题")

    monkeypatch.setattr(lifecycle, "advance", refuse)
    g.refresh_from_db()
    with pytest.raises(DomainError):
        svc.close_sitting(g, actor=world.outsider, version=g.version)
    g.refresh_from_db()
    assert g.status == SittingStatus.OPEN


def test_committee_member_added_later_is_expected_at_the_committee(world):
    meeting = _ready(world.b1)
    extra = add_committee_member(world.b1, "王委员")
    assert extra in svc.participants(meeting, SittingKind.COMMITTEE)
    assert world.member_member not in svc.participants(meeting, SittingKind.COMMITTEE)
