"""Demo: a year-end 组织生活会 round launched by the district, branches in several stages.

- every branch gets its year-end meeting from the district's campaign (plans prefilled);
- 幸福社区第一党支部 (DEMO-B04, login shuji): plan approved, preparation under way, study recorded;
- 幸福社区第二党支部 (DEMO-B05, login shuji2): plan submitted, awaiting approval by shenhe;
- 示范科技有限公司党支部 (DEMO-B09, login shuji3): plan still a draft (not started);
- 示范区第一中学党支部 (DEMO-B07): last year's year-end meeting, held and closed (history).
Idempotent: every step checks what is already there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.demo import register

THEME = "学思想、强党性、重实践、建新功"
READINGS = ["《中国共产党章程》", "《关于新形势下党内政治生活的若干准则》", "《中国共产党纪律处分条例》"]


@register(20, "组织生活会：部署、方案与学习")
def load(context: dict) -> None:
    from .choices import Half, MeetingKind, PlanStatus, Stage, StudyForm
    from .models import Meeting, StudySession
    from .services import campaign as campaigns
    from .services import plan as plans
    from .services import study

    orgs, users, members = context["orgs"], context["users"], context["members"]
    today = timezone.localdate()
    year = today.year
    campaign, _ = campaigns.launch_campaign(
        orgs["DEMO"],
        kind=MeetingKind.ORG_LIFE,
        year=year,
        half=Half.YEAR_END,
        theme=THEME,
        requirements="各党支部要认真组织会前学习、广泛征求意见、深入谈心谈话，严肃认真开展批评和自我批评，会后抓好整改落实。",
        readings=READINGS,
        window_start=datetime.date(year, 11, 1),
        window_end=datetime.date(year + 1, 1, 31),
        actor=users["yunying"],
    )
    meeting_day = today + datetime.timedelta(days=24)

    def meeting_of(code):
        return Meeting.objects.select_related("plan", "organization").get(
            organization=orgs[code], kind=MeetingKind.ORG_LIFE, year=year, half=Half.YEAR_END, special=False
        )

    def fill_and_submit(meeting, secretary, place):
        plan = meeting.plan
        if plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            plan = plans.save_plan(
                plan, {"scheduled_date": meeting_day, "start_time": datetime.time(14, 30), "place": place}, actor=secretary, version=plan.version
            )
            plans.submit_plan(plan, actor=secretary)
        return plan

    # B05: awaiting approval.
    fill_and_submit(meeting_of("DEMO-B05"), users["shuji2"], "幸福社区党群服务中心二楼会议室")

    # B04: approved and preparing, with the study recorded.
    b04 = meeting_of("DEMO-B04")
    plan = fill_and_submit(b04, users["shuji"], "幸福社区党群服务中心一楼党员活动室")
    plan.refresh_from_db()
    if plan.status == PlanStatus.SUBMITTED:
        plans.approve_plan(plan, actor=users["shenhe"], comment="同意。请按方案抓好会前学习和征求意见。")
    b04.refresh_from_db()
    if b04.stage == Stage.PREPARING and not StudySession.objects.filter(meeting=b04).exists():
        secretary = users["shuji"]
        lecture = study.save_session(
            b04,
            actor=secretary,
            form=StudyForm.PARTY_LECTURE,
            title="书记讲专题党课：学思想、强党性",
            date=today - datetime.timedelta(days=6),
            hours=Decimal("3"),
            place="党员活动室",
        )
        discussion = study.save_session(
            b04,
            actor=secretary,
            form=StudyForm.DISCUSSION,
            title="围绕主题开展大讨论",
            date=today - datetime.timedelta(days=2),
            hours=Decimal("2"),
            place="党员活动室",
        )
        self_study = study.save_session(
            b04, actor=secretary, form=StudyForm.SELF, title="自学必读篇目", date=today - datetime.timedelta(days=1), hours=Decimal("4")
        )
        roster = members["DEMO-B04"]

        def mode(m):
            if m.is_elderly_or_infirm:
                return "home_visit"
            if m.is_mobile:
                return "remote"
            return "in_person"

        study.save_attendance(lecture, {m.pk: (mode(m), "") for m in roster}, actor=secretary)
        study.save_attendance(discussion, {m.pk: (mode(m), "") for m in roster[:18]}, actor=secretary)
        study.save_attendance(self_study, {m.pk: ("in_person", "") for m in roster[:12]}, actor=secretary)

    _last_year(orgs["DEMO-B07"], members["DEMO-B07"], users["shenhe2"], year - 1, Stage.CLOSED, datetime.date(year - 1, 12, 18))
    # The community branch's last meeting is still being rectified (the rectification demo adds its items).
    _last_year(orgs["DEMO-B04"], members["DEMO-B04"], users["shenhe"], year - 1, Stage.RECTIFYING, datetime.date(year - 1, 12, 26))


def _last_year(branch, roster, reviewer, year, final_stage, held) -> None:
    """A meeting of last year: held in December and moved on to `final_stage` (its history is
    recorded as it happened; that year's preparation records are not part of the demo)."""
    from .choices import Half, MeetingKind, PlanStatus, Stage
    from .models import Meeting, Plan, PlanVersion, StageChange

    if Meeting.objects.filter(organization=branch, kind=MeetingKind.ORG_LIFE, year=year, half=Half.YEAR_END, special=False).exists():
        return
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organization=branch,
            kind=MeetingKind.ORG_LIFE,
            year=year,
            half=Half.YEAR_END,
            title=f"{branch.name}{year}年年底组织生活会",
            theme="以案促改、以案促治",
            scheduled_date=held,
            stage=final_stage,
            rulebook_slug="district-2024",
            rulebook_version="1",
            created_by=reviewer,
        )
        content = {
            "theme": "以案促改、以案促治",
            "scheduled_date": held,
            "place": "党员活动室",
            "form": "先召开支部委员会（支委会），再召开党员大会" if branch.has_committee else "召开党员大会",
            "participants": f"本支部全体党员（{len(roster)}名）",
            "requirements": "认真开展批评和自我批评",
        }
        plan = Plan.objects.create(meeting=meeting, status=PlanStatus.APPROVED, decided_by=reviewer, **content)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            content={k: str(v) for k, v in content.items()},
            submitted_by=reviewer,
            decision="approved",
            decided_by=reviewer,
            comment="同意。",
        )
        previous = Stage.PLANNING
        order = list(Stage.values)
        for stage in order[1 : order.index(final_stage) + 1]:
            StageChange.objects.create(meeting=meeting, from_stage=previous, to_stage=stage, by=reviewer)
            previous = stage
