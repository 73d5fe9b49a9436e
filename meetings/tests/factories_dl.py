"""A leading team with a 民主生活会 ready for each step (DL tests)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from meetings.choices import CriticismKind, PlanStatus, Stage
from meetings.models import Meeting, PlanFiling
from meetings.services import dl
from tests.factories import make_leading_team

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
THEME = "深入学习贯彻党的创新理论，加强党性锻炼"


def make_team(world, size=4):
    """A team of `size` leaders for the party committee P1 (DL-0.3); leaders[0] is the main leader."""
    team, leaders = make_leading_team(world.p1, size=size)
    return team, leaders


def make_dl_meeting(world, *, team=None, leaders=None, meeting_date=None, theme=THEME, stage=None, rulebook="district-2024") -> SimpleNamespace:
    """Topic published by the 纪委 inspector, plan filled (not yet decided)."""
    if team is None:
        team, leaders = make_team(world)
    meeting_date = meeting_date or timezone.localdate() + datetime.timedelta(days=30)
    year = meeting_date.year
    existing = Meeting.objects.filter(organization=team.organization, kind="democratic_life", year=year, special=False).exists()
    if existing:
        meeting = dl.add_special_meeting(team, actor=world.inspector, year=year, theme=theme)
    else:
        campaign = dl.publish_topic(
            world.district,
            actor=world.inspector,
            year=year,
            theme=theme,
            window_start=meeting_date - datetime.timedelta(days=60),
            window_end=meeting_date + datetime.timedelta(days=60),
        )
        meeting = campaign.meetings.get(leading_team=team)
    if rulebook != meeting.rulebook_slug:
        Meeting.objects.filter(pk=meeting.pk).update(rulebook_slug=rulebook, rulebook_version="1")
    meeting.refresh_from_db()
    plan = meeting.plan
    dl.save_dl_plan(
        plan,
        {
            "theme": theme,
            "theme_rationale": "结合街道中心工作和班子实际确定。",
            "scheduled_date": meeting_date,
            "place": "党工委会议室",
            "participants": "、".join(m.name for m in leaders),
            "agenda": dl.default_agenda_text(),
        },
        actor=leaders[0].user,
        version=plan.version,
    )
    meeting.refresh_from_db()
    if stage is not None:
        Meeting.objects.filter(pk=meeting.pk).update(stage=stage)
        meeting.refresh_from_db()
    return SimpleNamespace(meeting=meeting, team=team, leaders=leaders, main=leaders[0], date=meeting_date)


def decide_and_file(ctx, *, days_before=16):
    """Decide (main leader) and file `days_before` the meeting date."""
    main = ctx.main.user
    dl.decide_plan(ctx.meeting.plan, actor=main, mode="main_leader")
    on = timezone.make_aware(datetime.datetime.combine(ctx.date - datetime.timedelta(days=days_before), datetime.time(10, 0)))
    dl.file_plan(ctx.meeting.plan, actor=main, on=on)
    ctx.meeting.refresh_from_db()
    return ctx


def ready_sitting(world, ctx, *, absent=None, proxy=None, observers=()):
    """Filed in time, stage READY, sitting open; optionally one absentee and observers."""
    if ctx.meeting.plan.status != PlanStatus.FILED:
        decide_and_file(ctx)
    Meeting.objects.filter(pk=ctx.meeting.pk).update(stage=Stage.READY)
    ctx.meeting.refresh_from_db()
    sitting = dl.open_sitting(ctx.meeting, actor=ctx.main.user, date=ctx.date, place="会议室", guide_name="区委副书记")
    if absent is not None:
        dl.set_attendance(sitting, absent, actor=ctx.main.user, mode="absent", absence_reason="外出学习", proxy=proxy)
    obs = [dl.add_observer(sitting, actor=ctx.main.user, name=name, category=cat) for name, cat in observers]
    return sitting, obs


def filing(meeting, office="discipline") -> PlanFiling:
    return meeting.plan.filings.get(office=office)


def _say(sitting, ctx, speaker, kind, text="具体问题：调查研究不深入，联系群众不够。", item=None, observer=None):
    item = item or dl.current_item(sitting)
    return dl.record_statement(sitting, actor=ctx.main.user, item=item, kind=kind, content=text, speaker=speaker, observer=observer)


def _run_round(sitting, ctx, subject, present):
    _say(sitting, ctx, subject, CriticismKind.SELF)
    for critic in present:
        if critic != subject:
            _say(sitting, ctx, critic, CriticismKind.MUTUAL)
    if subject in present:
        _say(sitting, ctx, subject, CriticismKind.RESPONSE)
    else:
        dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)


def run_meeting(world, sitting, ctx, present=None):
    """①–⑦ in order."""
    present = present or ctx.leaders
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user, notes="主持人说明主题、议程并提出要求。")
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)  # ② prefilled
    _say(sitting, ctx, ctx.main, CriticismKind.REPORT, "代表班子对照检查。")
    for m in present[1:]:
        _say(sitting, ctx, m, CriticismKind.MUTUAL, "对班子的意见。")
    dl.complete_item(dl.current_item(sitting), actor=ctx.main.user)
    for subject in ctx.leaders:
        _run_round(sitting, ctx, subject, present)
    dl.record_commentary(sitting, actor=world.inspector, on_preparation="准备充分", on_criticism="批评辣味足", on_effect="效果好", guidance=["抓好整改"])
    dl.record_closing(sitting, actor=ctx.main.user, shortcomings="有差距", rectification_opinions="逐条整改", commitment="坚决整改")
