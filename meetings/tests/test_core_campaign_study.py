import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from core.errors import DomainError
from meetings import snapshot
from meetings.choices import ParticipationMode, PlanStatus, Stage, StudyForm
from meetings.models import Campaign, Meeting, Plan, StudyAttendance
from meetings.services import campaign as campaigns
from meetings.services import study
from meetings.services.meeting import create_meeting
from meetings.tests.factories_core import FULL_PLAN, make_meeting
from organizations.choices import OrgKind
from rulebook.models import RulebookChoice
from tests.factories import make_member, make_org

W0, W1 = datetime.date(2026, 11, 1), datetime.date(2027, 1, 31)


def _launch(world, org=None, actor=None, **kw):
    return campaigns.launch_campaign(
        org or world.district,
        kind="org_life",
        year=2026,
        half="year_end",
        theme="学思想、强党性",
        window_start=W0,
        window_end=W1,
        readings=["党章", "  ", "准则"],
        actor=actor or world.operator,
        **kw,
    )


def test_OL_1_2_campaign_creates_a_meeting_per_branch(world):
    RulebookChoice.objects.create(organization=world.p2, slug="national-baseline")
    campaign, created = _launch(world)
    assert created == 3
    meetings = {m.organization_id: m for m in Meeting.objects.filter(campaign=campaign)}
    assert set(meetings) == {world.b1.pk, world.b2.pk, world.b3.pk}
    assert meetings[world.b3.pk].rulebook_slug == "national-baseline"
    assert meetings[world.b1.pk].rulebook_slug == "district-2024"
    assert all(m.stage == Stage.PLANNING and m.theme == "学思想、强党性" for m in meetings.values())
    plans = {p.meeting.organization_id: p for p in Plan.objects.select_related("meeting")}
    assert "支委会" in plans[world.b1.pk].form and plans[world.b2.pk].form.startswith("召开党员大会")
    assert campaign.readings == ["党章", "准则"]
    assert snapshot.build(meetings[world.b1.pk]).reading_count == 2
    assert AuditEntry.objects.filter(action="campaign.launched").count() == 1


def test_OL_1_2_relaunch_does_not_duplicate_and_adopts_own_meetings(world):
    own = create_meeting(world.b2, kind="org_life", year=2026, half="year_end", actor=world.outsider)
    campaign, created = _launch(world)
    assert created == 2
    _, again = _launch(world)
    assert again == 0
    assert Meeting.objects.count() == 3 and Plan.objects.count() == 3 and Campaign.objects.count() == 1
    own.refresh_from_db()
    assert own.campaign == campaign


def test_OL_1_2_campaign_queries_do_not_grow_with_branches(world):
    with CaptureQueriesContext(connection) as small:
        _launch(world, org=world.p1, actor=world.reviewer)
    extra = make_org(world.district, kind=OrgKind.PARTY_COMMITTEE, name="大党委")
    for i in range(25):
        make_org(extra, name=f"支部{i}")
    with CaptureQueriesContext(connection) as big:
        _, created = _launch(world, org=extra, actor=world.operator)
    assert created == 25
    assert len(big.captured_queries) <= len(small.captured_queries)


def test_OL_1_2_campaign_needs_permission_and_valid_window(world):
    with pytest.raises(PermissionDenied):
        _launch(world, actor=world.secretary)
    with pytest.raises(DomainError) as exc:
        campaigns.launch_campaign(world.district, kind="org_life", year=2026, half="year_end", theme="t", window_start=W1, window_end=W0, actor=world.operator)
    assert "时间窗口" in exc.value.message
    assert not Meeting.objects.exists()


def test_OL_1_2_not_started_lists_branches_without_submitted_plan(world):
    campaign, _ = _launch(world)
    assert {m.organization_id for m in campaigns.not_started(campaign)} == {world.b1.pk, world.b2.pk, world.b3.pk}
    Plan.objects.filter(meeting__organization=world.b1).update(status=PlanStatus.SUBMITTED)
    assert world.b1.pk not in {m.organization_id for m in campaigns.not_started(campaign)}


# -- study ----------------------------------------------------------------------------------


@pytest.fixture
def preparing(world):
    return make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN)


def test_OL_2_1_c_study_closed_before_plan_approval(world):
    meeting = make_meeting(world.b1)
    with pytest.raises(DomainError) as exc:
        study.add_reading(meeting, actor=world.secretary, title="党章")
    assert "OL-2.1.c" in exc.value.message


def test_OL_2_2_a_reading_list(preparing, world):
    study.add_reading(preparing, actor=world.secretary, title="党章")
    with pytest.raises(DomainError):
        study.add_reading(preparing, actor=world.secretary, title="党章")
    assert snapshot.build(preparing).reading_count == 1


def test_OL_2_2_bad_session_input(preparing, world):
    for kw, text in [({"hours": "abc"}, "数字"), ({"hours": "0"}, "大于0"), ({"form": "x"}, "形式"), ({"title": ""}, "内容")]:
        args = {"form": StudyForm.PARTY_LECTURE, "title": "党课", "date": datetime.date(2026, 12, 1), "hours": "3", **kw}
        with pytest.raises(DomainError) as exc:
            study.save_session(preparing, actor=world.secretary, **args)
        assert text in exc.value.message


def test_OL_2_2_d_tally_against_rulebook_days(preparing, world):
    lecture = study.save_session(preparing, actor=world.secretary, form=StudyForm.PARTY_LECTURE, title="党课", date=datetime.date(2026, 12, 1), hours="3")
    own = study.save_session(preparing, actor=world.secretary, form=StudyForm.SELF, title="自学", date=datetime.date(2026, 12, 2), hours="3")
    elder = make_member(world.b1, is_elderly_or_infirm=True, name="老党员")
    study.save_attendance(lecture, {world.member_member.pk: ("in_person", ""), elder.pk: ("home_visit", "送学上门")}, actor=world.committee_member)
    study.save_attendance(own, {world.member_member.pk: ("in_person", "")}, actor=world.secretary)
    rows, params = study.tally(preparing)
    by = {r.member.pk: r for r in rows}
    assert params["day_hours"] == 6 and params["min_days"] == 1 and params["min_concentrated_days"] == 0.5
    assert by[world.member_member.pk].total_days == 1 and by[world.member_member.pk].ok_total and by[world.member_member.pk].ok_concentrated
    assert by[elder.pk].ok_concentrated and not by[elder.pk].ok_total and by[elder.pk].flexible
    assert not by[world.secretary_member.pk].ok_total
    snap = snapshot.build(preparing)
    tally = {t.person: t for t in snap.study}
    assert tally[f"m{elder.pk}"].flexible


def test_OL_2_2_d_day_length_is_a_rulebook_parameter(preparing, world, monkeypatch):
    from meetings import lifecycle

    lecture = study.save_session(preparing, actor=world.secretary, form=StudyForm.PARTY_LECTURE, title="党课", date=datetime.date(2026, 12, 1), hours="4")
    study.save_attendance(lecture, {world.member_member.pk: ("in_person", "")}, actor=world.secretary)
    rb = lifecycle.rulebook_of(preparing).with_params(study_day_hours=4)
    monkeypatch.setattr(lifecycle, "rulebook_of", lambda m: rb)
    rows, _ = study.tally(preparing)
    assert {r.member.pk: r for r in rows}[world.member_member.pk].total_days == 1


def test_OL_2_2_attendance_refuses_strangers_and_removes(preparing, world):
    lecture = study.save_session(preparing, actor=world.secretary, form=StudyForm.TUTORIAL, title="辅导", date=datetime.date(2026, 12, 1), hours="3")
    with pytest.raises(DomainError):
        study.save_attendance(lecture, {world.outsider_member.pk: ("in_person", "")}, actor=world.secretary)
    study.save_attendance(lecture, {world.member_member.pk: ("remote", "")}, actor=world.secretary)
    study.save_attendance(lecture, {world.member_member.pk: ("", "")}, actor=world.secretary)
    assert not StudyAttendance.objects.exists()
    with pytest.raises(PermissionDenied):
        study.save_attendance(lecture, {world.member_member.pk: ("in_person", "")}, actor=world.member)


def test_member_confirms_own_self_study(preparing, world):
    own = study.save_session(preparing, actor=world.secretary, form=StudyForm.SELF, title="自学", date=datetime.date(2026, 12, 2), hours="2")
    row = study.confirm_self_study(own, actor=world.member)
    assert row.member == world.member_member and row.mode == ParticipationMode.IN_PERSON
    lecture = study.save_session(preparing, actor=world.secretary, form=StudyForm.TUTORIAL, title="辅导", date=datetime.date(2026, 12, 1), hours=Decimal("3"))
    with pytest.raises(DomainError):
        study.confirm_self_study(lecture, actor=world.member)


def test_DL_1_2_b_campaign_creates_a_meeting_per_leading_team(world):
    from tests.factories import make_leading_team

    team, _ = make_leading_team(world.p1, size=3)
    campaign, created = campaigns.launch_campaign(
        world.district, kind="democratic_life", year=2026, theme="主题", window_start=W0, window_end=W1, actor=world.inspector
    )
    assert created == 1
    meeting = Meeting.objects.get(campaign=campaign)
    assert (meeting.organization, meeting.leading_team, meeting.half) == (world.p1, team, "")
    assert Plan.objects.get(meeting=meeting).theme == "主题"
    assert (
        campaigns.launch_campaign(world.district, kind="democratic_life", year=2026, theme="主题", window_start=W0, window_end=W1, actor=world.inspector)[1]
        == 0
    )
