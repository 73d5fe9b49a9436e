"""Meetings and materials for the materials tests (until `meetings.services.meeting.create_meeting`
lands, meetings are created straight from the models, pinned to the current rulebook)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from meetings.choices import DocStatus, Half, MeetingKind, OpinionChannel, OpinionTarget, SelfExamKind, Stage
from meetings.models import Meeting, Opinion, SelfExamination, SelfExaminationVersion


def make_meeting(
    org, *, kind=MeetingKind.ORG_LIFE, year=None, half=None, stage=Stage.PREPARING, leading_team=None, slug="district-2024", days_ahead=30
) -> Meeting:
    from rulebook import engine

    year = year or timezone.localdate().year
    if half is None:
        half = Half.YEAR_END if kind == MeetingKind.ORG_LIFE else Half.NONE
    special = Meeting.objects.filter(organization=org, kind=kind, year=year, half=half, special=False).exists()
    return Meeting.objects.create(
        organization=org,
        leading_team=leading_team,
        kind=kind,
        year=year,
        half=half,
        special=special,
        title=f"{org.name}{year}年{'组织生活会' if kind == MeetingKind.ORG_LIFE else '民主生活会'}",
        scheduled_date=timezone.localdate() + datetime.timedelta(days=days_ahead),
        stage=stage,
        rulebook_slug=slug,
        rulebook_version=engine.load(slug).version,
    )


def make_opinion(meeting, content="联系群众不够经常", member=None) -> Opinion:
    return Opinion.objects.create(
        meeting=meeting,
        channel=OpinionChannel.FORUM,
        target=OpinionTarget.PERSON if member else OpinionTarget.TEAM,
        target_member=member,
        content=content,
        received_on=timezone.localdate(),
    )


def make_material(meeting, member=None, *, doc_kind=SelfExamKind.CHECK, status=DocStatus.DRAFT, submitted_by=None, **fields) -> SelfExamination:
    """A material straight in the database; `status=submitted` also freezes version 1."""
    fields.setdefault("problems", "理论学习不够深入")
    fields.setdefault("causes", "思想上放松了要求")
    fields.setdefault("measures", "每周安排固定时间学习")
    se = SelfExamination.objects.create(meeting=meeting, member=member, doc_kind=doc_kind, status=status, **fields)
    if status != DocStatus.DRAFT:
        author = submitted_by or (member.user if member and member.user_id else None)
        if author is None:
            from tests.factories import UserFactory

            author = UserFactory()
        SelfExaminationVersion.objects.create(self_examination=se, number=1, content={"problems": se.problems}, created_by=author)
        se.submitted_at = timezone.now()
        se.save(update_fields=["submitted_at"])
    return se


def make_branch(parent, sector, *, has_committee=True, committee=1, ordinary=1):
    """A branch with a secretary, `committee` committee members and `ordinary` members (all with logins)."""
    from organizations.choices import PositionKind
    from tests.factories import make_member, make_org, make_position

    org = make_org(parent, sector=sector, has_committee=has_committee)
    secretary = make_member(org, user=True, name="书记")
    make_position(org, secretary, PositionKind.SECRETARY)
    members = []
    for n in range(committee if has_committee else 0):
        m = make_member(org, user=True, name=f"委员{n + 1}")
        make_position(org, m, PositionKind.COMMITTEE_MEMBER)
        members.append(m)
    plain = [make_member(org, user=True, name=f"党员{n + 1}") for n in range(ordinary)]
    return org, secretary, members, plain


def make_dl(world, size=3, **kwargs):
    """A 民主生活会 of P1's leading team; returns (meeting, leaders, superior reviewer at the district)."""
    from accounts.choices import Role
    from tests.factories import make_leading_team, make_role_user

    team, leaders = make_leading_team(world.p1, size=size)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team, **kwargs)
    superior = make_role_user(Role.REVIEWER, world.district, display_name="区委审核")
    return meeting, leaders, superior


def rule_findings(meeting) -> dict:
    """Run the pinned rulebook over the meeting's full snapshot (`meetings.snapshot.build`, with
    this part's contributor): rule id → Finding."""
    from meetings import lifecycle

    return {f.rule_id: f for f in lifecycle.findings(meeting)}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
