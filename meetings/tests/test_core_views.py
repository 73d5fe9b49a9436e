"""The core pages driven through the views: a branch starts its meeting, drafts and submits the
plan, the reviewer returns then approves it, the study is recorded; bad input changes nothing."""

import datetime

import pytest
from django.urls import reverse

from meetings.choices import PlanStatus, Stage
from meetings.models import Meeting, PlanVersion, StudyAttendance, StudySession

PLAN = {
    "theme": "学思想、强党性",
    "scheduled_date": "2026-12-20",
    "start_time": "14:30",
    "place": "党员活动室",
    "form": "先召开支委会，再召开党员大会",
    "participants": "全体党员",
    "observers": "",
    "agenda": "一、……",
    "preparation": "学习、征求意见",
    "requirements": "认真准备",
}


def _post(client, name, pk, data=None, follow=True):
    return client.post(reverse(name, args=[pk]), data or {}, follow=follow).content.decode()


@pytest.fixture
def started(world, client):
    client.force_login(world.secretary)
    client.post(reverse("meetings:create"), {"organization": world.b1.pk, "kind": "org_life", "year": datetime.date.today().year, "half": "year_end"})
    return Meeting.objects.get(organization=world.b1)


def test_OL_2_1_plan_flow_through_the_views(world, client, started):
    meeting = started
    page = client.get(reverse("meetings:plan", args=[meeting.pk])).content.decode()
    assert "先召开支部委员会" in page  # prefilled
    body = _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "version": 1, "action": "submit"})
    assert "方案已报上级党组织审核" in body
    client.force_login(world.reviewer)
    body = _post(client, "meetings:plan_return", meeting.pk, {"comment": ""})
    assert "退回方案须写明理由" in body
    _post(client, "meetings:plan_return", meeting.pk, {"comment": "请写明参加人数"})
    client.force_login(world.secretary)
    plan = Meeting.objects.get(pk=meeting.pk).plan
    assert plan.status == PlanStatus.RETURNED
    _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "participants": "全体党员3名", "version": plan.version, "action": "submit"})
    client.force_login(world.reviewer)
    body = _post(client, "meetings:plan_approve", meeting.pk, {"comment": "同意"})
    assert "已审核同意" in body
    meeting.refresh_from_db()
    assert meeting.stage == Stage.PREPARING
    assert list(PlanVersion.objects.filter(plan=plan).values_list("decision", flat=True)) == ["returned", "approved"]
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "会前准备" in detail and "制定方案 → 会前准备" in detail


def test_stale_plan_version_keeps_input_and_changes_nothing(world, client, started):
    meeting = started
    _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "place": "甲地", "version": 1})
    body = _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "place": "乙地（我的输入）", "version": 1}, follow=False)
    assert "已被他人修改" in body and "乙地（我的输入）" in body and "他人保存的最新版本" in body and "甲地" in body
    meeting.plan.refresh_from_db()
    assert meeting.plan.place == "甲地"


def test_editing_an_approved_plan_is_refused(world, client, started):
    meeting = started
    _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "version": 1, "action": "submit"})
    client.force_login(world.reviewer)
    _post(client, "meetings:plan_approve", meeting.pk)
    client.force_login(world.secretary)
    plan = Meeting.objects.get(pk=meeting.pk).plan
    body = _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "place": "改个地方", "version": plan.version})
    assert "不能再修改" in body
    plan.refresh_from_db()
    assert plan.place == "党员活动室"


def test_approving_ones_own_plan_is_refused(world, client, started):
    from accounts.choices import Role
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=world.secretary, role=Role.REVIEWER, organization=world.p1)
    meeting = started
    _post(client, "meetings:plan_save", meeting.pk, {**PLAN, "version": 1, "action": "submit"})
    body = _post(client, "meetings:plan_approve", meeting.pk)
    assert "不能审核自己" in body
    assert Meeting.objects.get(pk=meeting.pk).stage == Stage.PLANNING


def test_OL_2_2_study_through_the_views(world, client, started):
    meeting = started
    body = _post(client, "meetings:session_add", meeting.pk, {"form": "party_lecture", "title": "党课", "date": "2026-12-01", "hours": "3"})
    assert "OL-2.1.c" in body  # closed before approval
    Meeting.objects.filter(pk=meeting.pk).update(stage=Stage.PREPARING)
    body = _post(client, "meetings:session_add", meeting.pk, {"form": "party_lecture", "title": "党课", "date": "", "hours": "3"})
    assert not StudySession.objects.exists()
    _post(client, "meetings:session_add", meeting.pk, {"form": "party_lecture", "title": "党课", "date": "2026-12-01", "hours": "3"})
    session = StudySession.objects.get()
    _post(client, "meetings:attendance_save", session.pk, {f"m{world.member_member.pk}": "in_person", f"m{world.committee_member_member.pk}": "home_visit"})
    assert StudyAttendance.objects.count() == 2
    client.force_login(world.member)
    page = client.get(reverse("meetings:study", args=[meeting.pk])).content.decode()
    assert "我的学时" in page and world.member_member.name in page and world.committee_member_member.name not in page


def test_advance_button_shows_blockers(world, client, started):
    meeting = started
    page = _post(client, "meetings:advance", meeting.pk, {"to": "preparing"}, follow=False)
    assert "暂不能进入“会前准备”阶段" in page and "OL-2.1.c" in page
    assert Meeting.objects.get(pk=meeting.pk).stage == Stage.PLANNING


def test_override_through_the_view_is_shown_forever(world, client, started):
    meeting = started
    client.force_login(world.reviewer)
    _post(client, "meetings:override", meeting.pk, {"rule_id": "OL-2.1.c", "reason": "上级已同意，书面材料补报"})
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "上级已同意，书面材料补报" in page
    client.force_login(world.member)
    assert "上级已同意，书面材料补报" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_attendance_grid_saves_in_place_with_htmx(world, client, started):
    meeting = started
    Meeting.objects.filter(pk=meeting.pk).update(stage=Stage.PREPARING)
    _post(client, "meetings:session_add", meeting.pk, {"form": "self", "title": "自学", "date": "2026-12-01", "hours": "6"})
    session = StudySession.objects.get()
    response = client.post(reverse("meetings:attendance_save", args=[session.pk]), {f"m{world.member_member.pk}": "remote"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="study-attendance">')
    assert "已登记“自学”的参加情况（1人次）" in body and "灵活方式" in body and "<html" not in body


@pytest.mark.parametrize(
    ("today", "expected"),
    [(datetime.date(2027, 1, 15), 2026), (datetime.date(2027, 2, 28), 2026), (datetime.date(2027, 3, 1), 2027), (datetime.date(2026, 11, 26), 2026)],
)
def test_default_year_is_the_year_whose_meetings_are_being_held(today, expected):
    """Year-end meetings of a year are often held in January or February of the next one."""
    from meetings.forms_core import default_year

    assert default_year(today) == expected


def test_create_form_preselects_the_default_year_not_next_year(world, client):
    from meetings.forms_core import default_year

    client.force_login(world.secretary)
    html = client.get(reverse("meetings:create")).content.decode()
    year = default_year()
    assert f'<option value="{year}" selected>' in html
    assert f'<option value="{year + 1}" selected>' not in html
