"""Into rectification (OL-4.1.a/b): problems from opinions, criticism and 点评, idempotent."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from meetings.choices import CriticismKind, SittingKind, SittingStatus, Stage
from meetings.models import Commentary, Criticism
from meetings.services import problems as svc
from rectification import services as rectification_services
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem

from .factories_prep import make_ol_meeting, make_opinion, make_sitting

pytestmark = pytest.mark.django_db


def _held(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.HELD)
    team = make_opinion(meeting, strong_public_concern=True)
    personal = make_opinion(meeting, target_member=world.committee_member_member, giver_kind="上级党组织")
    dup = make_opinion(meeting)
    dup.merged_into = team
    dup.save()
    c = make_sitting(meeting, SittingKind.COMMITTEE, status=SittingStatus.CLOSED)
    g = make_sitting(meeting, SittingKind.GENERAL, status=SittingStatus.CLOSED)
    sec, com, mem = world.secretary_member, world.committee_member_member, world.member_member
    Criticism.objects.create(sitting=c, seq=1, kind=CriticismKind.SELF, speaker=sec, content="联系群众不够")
    Criticism.objects.create(sitting=c, seq=2, kind=CriticismKind.MUTUAL, speaker=sec, target=com, content="走访少", suggestion="每月走访")
    Criticism.objects.create(sitting=g, seq=1, kind=CriticismKind.REPORT, speaker=sec, content="通报", about_team=True)
    Criticism.objects.create(sitting=g, seq=2, kind=CriticismKind.MUTUAL, speaker=mem, about_team=True, content="通知太晚", suggestion="提前")
    Commentary.objects.create(meeting=meeting, author=world.reviewer, on_criticism="好", guidance=["加强流动党员管理"])
    return meeting, team, personal


def test_OL_4_1_a_every_source_becomes_a_problem_with_its_source(world):
    meeting, team, personal = _held(world)
    result = svc.generate(meeting, actor=world.secretary)
    assert (result.created, result.existing) == (6, 0)  # 2 opinions (duplicate merged) + 3 statements + 1 guidance point
    by_source = {}
    for p in Problem.objects.filter(meeting=meeting):
        by_source.setdefault(p.source, []).append(p)
    assert len(by_source[ProblemSource.OPINION]) == 2
    assert len(by_source[ProblemSource.CRITICISM]) == 3  # the report is not a problem
    [guidance] = by_source[ProblemSource.COMMENTARY]
    assert guidance.raised_by_superior and guidance.guidance_index == 0 and guidance.scope == ProblemScope.ORGANIZATION
    team_problem = Problem.objects.get(opinion=team)
    assert team_problem.scope == ProblemScope.ORGANIZATION and team_problem.strong_public_concern
    personal_problem = Problem.objects.get(opinion=personal)
    assert personal_problem.scope == ProblemScope.PERSONAL and personal_problem.owner_member == world.committee_member_member
    assert personal_problem.raised_by_superior


def test_OL_4_1_b_first_classification_personal_or_organization(world):
    meeting, *_ = _held(world)
    svc.generate(meeting, actor=world.secretary)
    crit = {p.criticism.kind + ("-team" if p.criticism.about_team else ""): p for p in Problem.objects.filter(meeting=meeting, source=ProblemSource.CRITICISM)}
    assert crit["self"].owner_member == world.secretary_member
    assert crit["mutual"].owner_member == world.committee_member_member
    assert crit["mutual-team"].scope == ProblemScope.ORGANIZATION and crit["mutual-team"].owner_member is None
    assert "每月走访" in crit["mutual"].description


def test_regeneration_is_idempotent_and_keeps_reviewed_classification(world):
    meeting, team, _ = _held(world)
    svc.generate(meeting, actor=world.secretary)
    p = Problem.objects.get(opinion=team)
    rectification_services.classify_problem(p, actor=world.secretary, scope=ProblemScope.PERSONAL, owner_member=world.secretary_member)
    make_opinion(meeting, content="新补充的意见：活动室周末不开放")
    again = svc.generate(meeting, actor=world.secretary)
    assert (again.created, again.existing) == (1, 6)
    p.refresh_from_db()
    assert p.scope == ProblemScope.PERSONAL and p.owner_member == world.secretary_member
    assert svc.generate(meeting, actor=world.secretary).created == 0


def test_generation_waits_for_the_meeting_and_is_for_the_secretary(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.READY)
    make_opinion(meeting)
    with pytest.raises(DomainError):
        svc.generate(meeting, actor=world.secretary)
    meeting.stage = Stage.HELD
    meeting.save()
    with pytest.raises(PermissionDenied):
        svc.generate(meeting, actor=world.committee_member)
    empty = make_ol_meeting(world.b2, stage=Stage.HELD)
    with pytest.raises(DomainError):
        svc.generate(empty, actor=world.outsider)
