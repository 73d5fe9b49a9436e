import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import snapshot
from meetings.choices import ParticipationMode, SittingKind, Stage, StudyForm
from meetings.models import (
    Attendance,
    Commentary,
    Criticism,
    Feedback,
    Opinion,
    OpinionSummary,
    Reading,
    SelfExamination,
    Sitting,
    StudyAttendance,
    StudySession,
    Talk,
)
from meetings.tests.factories_core import FULL_PLAN, make_meeting
from rulebook import engine
from rulebook.constants import TEAM
from tests.factories import make_member

DAY = datetime.date(2026, 12, 20)


def _populate(meeting, members, secretary_user):
    Reading.objects.create(meeting=meeting, title="党章")
    lecture = StudySession.objects.create(
        meeting=meeting, form=StudyForm.PARTY_LECTURE, title="专题党课", date=DAY - datetime.timedelta(days=10), hours=Decimal("3")
    )
    own = StudySession.objects.create(meeting=meeting, form=StudyForm.SELF, title="自学", date=DAY - datetime.timedelta(days=9), hours=Decimal("3"))
    StudyAttendance.objects.bulk_create([StudyAttendance(session=lecture, member=m) for m in members])
    StudyAttendance.objects.bulk_create([StudyAttendance(session=own, member=m, mode=ParticipationMode.REMOTE) for m in members])
    opinions = Opinion.objects.bulk_create(
        [
            Opinion(meeting=meeting, channel="forum", target="person", target_member=m, content="x", received_on=DAY - datetime.timedelta(days=5))
            for m in members
        ]
    )
    OpinionSummary.objects.create(meeting=meeting, number=1, content={}, frozen_by=secretary_user, none_received=["team"])
    Feedback.objects.bulk_create(
        [Feedback(meeting=meeting, kind="personal", recipient=m, delivered_on=DAY - datetime.timedelta(days=3), delivered_by=secretary_user) for m in members]
    )
    Talk.objects.bulk_create([Talk(meeting=meeting, member_a=members[0], member_b=m, held_on=DAY - datetime.timedelta(days=2)) for m in members[1:]])
    exams = [SelfExamination(meeting=meeting, member=m, doc_kind="outline", problems="p", causes="c", measures="m") for m in members]
    SelfExamination.objects.bulk_create(exams)
    for exam, op in zip(SelfExamination.objects.filter(meeting=meeting).order_by("member_id"), sorted(opinions, key=lambda o: o.target_member_id), strict=True):
        exam.answered_opinions.add(op)
    sitting = Sitting.objects.create(meeting=meeting, kind=SittingKind.GENERAL, date=DAY, status="closed", guide=secretary_user)
    Attendance.objects.bulk_create([Attendance(sitting=sitting, member=m) for m in members])
    Criticism.objects.bulk_create(
        [
            Criticism(sitting=sitting, seq=i + 1, kind="mutual", speaker=members[0], target=m, content="问题", suggestion="建议")
            for i, m in enumerate(members[1:])
        ]
    )
    Commentary.objects.create(meeting=meeting, sitting=sitting, author=secretary_user, on_preparation="好", guidance=["一", "二"])


def _count(meeting):
    with CaptureQueriesContext(connection) as ctx:
        snap = snapshot.build(meeting, today=DAY)
    return len(ctx.captured_queries), snap


@pytest.mark.parametrize("size", [10])
def test_snapshot_fills_fields(world, size):
    members = [world.secretary_member, world.committee_member_member, world.member_member] + [make_member(world.b1) for _ in range(size - 3)]
    meeting = make_meeting(world.b1, stage=Stage.HELD, **FULL_PLAN)
    _populate(meeting, members, world.secretary)
    snap = snapshot.build(meeting, today=DAY)
    assert len(snap.roster) == size
    sec = snap.person(f"m{world.secretary_member.pk}")
    assert sec.is_secretary and sec.is_committee
    assert snap.person(f"m{world.committee_member_member.pk}").is_committee
    assert not snap.person(f"m{world.member_member.pk}").is_committee
    assert snap.plan.status == "approved" and snap.plan.has_time and snap.plan.has_form
    assert snap.reading_count == 1 and len(snap.study_sessions) == 2
    tally = {t.person: t for t in snap.study}
    assert tally[sec.key].total_hours == 6 and tally[sec.key].concentrated_hours == 3 and tally[sec.key].flexible
    assert len(snap.opinions) == size and all(o.answered for o in snap.opinions)
    assert snap.opinion_summary.none_received_for == frozenset({TEAM})
    assert {f.by for f in snap.feedback} == {sec.key}
    assert len(snap.talks) == size - 1
    assert len(snap.self_exams) == size and snap.self_exams[0].linked_opinions == 1 and not snap.self_exams[0].unanswered_opinions
    assert snap.sittings[0].kind == "general" and snap.sittings[0].guide == f"u{world.secretary.pk}"
    assert len(snap.attendance) == size and len(snap.statements) == size - 1
    assert snap.commentary.guidance_count == 2 and snap.commentary.by_guide
    assert snap.report is None and snap.previous is not None  # from the rectification contributor
    engine.check(snap, engine.load())  # the checker accepts it


def test_snapshot_query_count_does_not_grow_with_members(world, django_assert_max_num_queries):
    small = [world.secretary_member, world.committee_member_member, world.member_member] + [make_member(world.b1) for _ in range(7)]
    m1 = make_meeting(world.b1, stage=Stage.HELD, **FULL_PLAN)
    _populate(m1, small, world.secretary)
    n_small, _ = _count(m1)
    big_members = [make_member(world.b3) for _ in range(100)]
    m2 = make_meeting(world.b3, stage=Stage.HELD, **FULL_PLAN)
    _populate(m2, big_members, world.secretary)
    n_big, snap = _count(m2)
    assert len(snap.roster) == 101  # the B3 secretary too
    assert n_small == n_big
    with django_assert_max_num_queries(n_small):
        snapshot.build(m2, today=DAY)


def test_OL_2_2_d_tally_counts_only_sessions_before_the_meeting_and_not_absent(world):
    meeting = make_meeting(world.b1, stage=Stage.PREPARING, **FULL_PLAN)
    before = StudySession.objects.create(meeting=meeting, form=StudyForm.TUTORIAL, title="辅导", date=DAY - datetime.timedelta(days=1), hours=Decimal("4"))
    after = StudySession.objects.create(meeting=meeting, form=StudyForm.SELF, title="自学", date=DAY + datetime.timedelta(days=1), hours=Decimal("4"))
    StudyAttendance.objects.create(session=before, member=world.member_member, hours=Decimal("2"))
    StudyAttendance.objects.create(session=after, member=world.member_member)
    StudyAttendance.objects.create(session=before, member=world.committee_member_member, mode=ParticipationMode.ABSENT)
    snap = snapshot.build(meeting, today=DAY)
    tally = {t.person: t for t in snap.study}
    assert tally == {f"m{world.member_member.pk}": tally[f"m{world.member_member.pk}"]}
    assert tally[f"m{world.member_member.pk}"].total_hours == 2


def test_contributor_values_replace_builder_values(world):
    meeting = make_meeting(world.b1)
    snapshot.register_contributor("test-only", lambda m, today=None, snapshot=None: {"observers": 7})
    try:
        assert snapshot.build(meeting).observers == 7
    finally:
        snapshot.CONTRIBUTORS.pop("test-only")


def test_dl_snapshot_roster_is_the_leading_team(world):
    from meetings.services.meeting import create_meeting
    from tests.factories import make_leading_team

    team, leaders = make_leading_team(world.p1, size=4)
    meeting = create_meeting(world.p1, kind="democratic_life", year=2026, actor=leaders[0].user)
    snap = snapshot.build(meeting)
    assert [p.key for p in snap.roster] == [f"m{m.pk}" for m in leaders]
    assert snap.roster[0].is_main_leader and [p.rank for p in snap.roster] == [1, 2, 3, 4]
    assert snap.kind == "democratic_life" and meeting.leading_team == team
