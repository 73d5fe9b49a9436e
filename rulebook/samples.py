"""Complete, rule-abiding meeting snapshots for tests, benchmarks and the rules page.

`org_life()` and `democratic_life()` return meetings that went through every step correctly
(no rule fires); tests break one thing with `dataclasses.replace` and expect exactly the
rule for that clause to fire.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

from .constants import TEAM
from .snapshot import (
    AgendaItemInfo,
    AppraisalInfo,
    AttendanceInfo,
    CircularInfo,
    ClosingInfo,
    CommentaryInfo,
    FeedbackInfo,
    ItemInfo,
    MeetingSnapshot,
    NoticeInfo,
    OpinionInfo,
    OrgInfo,
    Person,
    PlanInfo,
    PreviousMeetingInfo,
    ProblemInfo,
    ReportInfo,
    SelfExamInfo,
    SittingInfo,
    StatementInfo,
    StudySessionInfo,
    StudyTally,
    SummaryInfo,
    TalkFlagInfo,
    TalkInfo,
)

SUPERIOR = "u900"
OL_DAY = date(2024, 12, 10)
DL_DAY = date(2024, 12, 20)


def _exam(author: str, kind: str = "brief_check", **kw) -> SelfExamInfo:
    values = {
        "status": "approved",
        "has_problems": True,
        "has_causes": True,
        "has_measures": True,
        "has_structured_items": True,
        "has_thought": True,
        "has_personal": True,
        "approved_by_superior": True,
        "approved_by_main_leader": True,
        "written_personally": True,
        "has_last_rectification": True,
        "linked_opinions": 1,
        "submitted_on": kw.pop("submitted_on", OL_DAY - timedelta(days=12)),
    }
    values.update(kw)
    return SelfExamInfo(author=author, doc_kind=kind, **values)


def org_life(members: int = 8, *, sector: str = "community", has_committee: bool = True, stage: str = "closed") -> MeetingSnapshot:
    """A year-end 组织生活会 of a branch with a committee of three, done by the book."""
    t = OL_DAY
    keys = [f"m{i}" for i in range(1, members + 1)]
    committee = keys[:3] if has_committee else keys[:1]
    roster = tuple(
        Person(
            key=k,
            name=f"党员{k}",
            is_secretary=k == keys[0],
            is_committee=k in committee,
            is_elderly_or_infirm=k == keys[3] if members > 3 else False,
            is_leading_cadre=k == keys[4] if members > 4 else False,
            small_group="一组" if i % 2 else "二组",
        )
        for i, k in enumerate(keys)
    )
    sec = keys[0]
    others = keys[1:]
    talks = [TalkInfo(SUPERIOR, sec, held_on=t - timedelta(days=20))]
    talks += [TalkInfo(sec, k, held_on=t - timedelta(days=19)) for k in others]
    talks += [TalkInfo(a, b, held_on=t - timedelta(days=18)) for a, b in combinations(committee, 2) if sec not in (a, b)]
    ring = others + others[:1]
    talks += [TalkInfo(a, b, held_on=t - timedelta(days=17)) for a, b in zip(ring, ring[1:]) if a != b]
    care = [p.key for p in roster if p.is_elderly_or_infirm or p.is_mobile or p.is_in_difficulty]
    talks += [TalkInfo(sec, k, kind="care", held_on=t - timedelta(days=16)) for k in care]
    flags = ()
    if members > 5:
        flags = (TalkFlagInfo(keys[4], keys[5], "conflict"),)
        talks.append(TalkInfo(keys[4], keys[5], kind="mediation", held_on=t - timedelta(days=15)))

    said_committee: list[StatementInfo] = []
    seq = 0
    for k in committee:
        seq += 1
        said_committee.append(StatementInfo("committee", seq, "self", k))
    for a in committee:
        for b in committee:
            if a != b:
                seq += 1
                said_committee.append(StatementInfo("committee", seq, "mutual", a, b, has_suggestion=True))
    seq += 1
    said_committee.append(StatementInfo("committee", seq, "response", sec))
    general = [
        StatementInfo("general", 1, "report", sec),
        StatementInfo("general", 2, "self", sec),
        StatementInfo("general", 3, "mutual", keys[-1], TEAM, has_suggestion=True),
    ]
    sittings = [SittingInfo("general", 2, "closed", t, SUPERIOR, True)]
    attendance = [AttendanceInfo("general", k, "home_visit" if k in care else "in_person") for k in keys]
    if has_committee:
        sittings.insert(0, SittingInfo("committee", 1, "closed", t - timedelta(days=1), SUPERIOR, True))
        attendance += [AttendanceInfo("committee", k) for k in committee]
    statements = (said_committee if has_committee else []) + general
    if not has_committee:
        general.append(StatementInfo("general", 4, "response", sec))

    exams = [_exam(TEAM), *[_exam(k) for k in committee]]
    return MeetingSnapshot(
        meeting_id=1,
        kind="org_life",
        organization=OrgInfo(kind="branch", sector=sector, has_committee=has_committee),
        today=date(2025, 2, 10),
        half="year_end",
        year=2024,
        stage=stage,
        meeting_date=t,
        plan=PlanInfo(
            status="approved",
            has_time=True,
            has_place=True,
            has_form=True,
            has_participants=True,
            has_requirements=True,
            has_agenda=True,
            theme="学习贯彻",
            submitted_on=t - timedelta(days=40),
            approved_on=t - timedelta(days=35),
        ),
        roster=roster,
        superior_head=SUPERIOR,
        notices=(
            NoticeInfo("problem_list", t - timedelta(days=10), is_public=True),
            NoticeInfo("rectification", t + timedelta(days=5), is_public=True, display_until=t + timedelta(days=15)),
        ),
        reading_count=3,
        study_sessions=(
            StudySessionInfo(t - timedelta(days=25), 6, True, "party_lecture"),
            StudySessionInfo(t - timedelta(days=24), 6, False, "self"),
        ),
        study=tuple(StudyTally(k, 12.0, 6.0) for k in keys),
        opinions=(
            OpinionInfo(1, TEAM, "forum", t - timedelta(days=22), answered=True),
            OpinionInfo(2, committee[-1], "individual_talk", t - timedelta(days=22), answered=True),
        ),
        opinion_summary=SummaryInfo(t - timedelta(days=14), frozenset(k for k in committee[:-1])),
        feedback=tuple(
            [FeedbackInfo("team", k, t - timedelta(days=13), by=sec) for k in committee]
            + [FeedbackInfo("personal", committee[-1], t - timedelta(days=13), by=sec if committee[-1] != sec else SUPERIOR)]
        ),
        talks=tuple(talks),
        talk_flags=flags,
        self_exams=tuple(exams),
        sittings=tuple(sittings),
        attendance=tuple(attendance),
        statements=tuple(statements),
        commentary=CommentaryInfo(True, True, True, 2, True),
        closing=ClosingInfo(sec, True, 2, True, True, True, True),
        appraisal=AppraisalInfo(exists=True, self_assessments_done=members, appraised_count=members, voting_closed=True, quorum_met=True, ratings_final=True),
        problems=(
            ProblemInfo(1, "opinion", "organization", TEAM, item_count=1),
            ProblemInfo(2, "criticism", "personal", committee[-1], strong_public_concern=True, answered=True, item_count=1),
        ),
        items=(
            ItemInfo(1, 1, "organization", TEAM, deadline=t + timedelta(days=40), status="closed", is_public=True, closed_on=t + timedelta(days=30)),
            ItemInfo(2, 2, "personal", committee[-1], deadline=t + timedelta(days=40), status="closed", closed_on=t + timedelta(days=31)),
        ),
        report=ReportInfo(t + timedelta(days=10), "accepted", True, True, True),
    )


def democratic_life(leaders: int = 4, *, stage: str = "closed") -> MeetingSnapshot:
    """A 民主生活会 of a party committee's leading team, done by the book."""
    t = DL_DAY
    keys = [f"m{100 + i}" for i in range(leaders)]
    main, others = keys[0], keys[1:]
    roster = tuple(Person(key=k, name=f"领导{k}", is_main_leader=k == main, rank=i) for i, k in enumerate(keys))
    talks = [TalkInfo(SUPERIOR, main, held_on=t - timedelta(days=12))]
    talks += [TalkInfo(a, b, held_on=t - timedelta(days=11)) for a, b in combinations(keys, 2)]

    said: list[StatementInfo] = []
    agenda = [AgendaItemInfo("democratic_life", 1, 1, completed=True), AgendaItemInfo("democratic_life", 2, 2, completed=True)]
    agenda.append(AgendaItemInfo("democratic_life", 3, 3, completed=True))
    said.append(StatementInfo("democratic_life", 1, "report", main, slot=3))
    for k in others:
        said.append(StatementInfo("democratic_life", len(said) + 1, "mutual", k, TEAM, slot=3, has_suggestion=True))
    order = 4
    for subject in keys:
        slot = 4 if subject == main else 5
        agenda.append(AgendaItemInfo("democratic_life", order, slot, subject, completed=True))
        order += 1
        said.append(StatementInfo("democratic_life", len(said) + 1, "self", subject, slot=slot, subject=subject))
        for critic in keys:
            if critic != subject:
                said.append(StatementInfo("democratic_life", len(said) + 1, "mutual", critic, subject, slot=slot, subject=subject, has_suggestion=True))
        said.append(StatementInfo("democratic_life", len(said) + 1, "response", subject, slot=slot, subject=subject))
    agenda += [AgendaItemInfo("democratic_life", order, 6, completed=True), AgendaItemInfo("democratic_life", order + 1, 7, completed=True)]

    submitted = t - timedelta(days=8)
    exams = [_exam(TEAM, "check", submitted_on=submitted)] + [_exam(k, "check", submitted_on=submitted) for k in keys]
    return MeetingSnapshot(
        meeting_id=2,
        kind="democratic_life",
        organization=OrgInfo(kind="party_committee", sector="other", has_committee=True),
        today=date(2025, 3, 1),
        year=2024,
        stage=stage,
        meeting_date=t,
        window=(date(2024, 11, 1), date(2025, 1, 31)),
        deployment_theme="深入学习贯彻",
        plan=PlanInfo(
            status="filed",
            has_time=True,
            has_place=True,
            has_form=True,
            has_participants=True,
            has_requirements=True,
            has_agenda=True,
            theme="深入学习贯彻",
            has_theme_rationale=True,
            approval_mode="main_leader",
            submitted_on=t - timedelta(days=30),
            approved_on=t - timedelta(days=25),
            filed_on=t - timedelta(days=20),
            filed_offices=frozenset({"discipline", "organization_dept"}),
        ),
        roster=roster,
        superior_head=SUPERIOR,
        notices=(NoticeInfo("meeting_notice", t - timedelta(days=18), True, True, True, "书面通知", "全体干部职工", True),),
        reading_count=5,
        study_sessions=(
            StudySessionInfo(t - timedelta(days=16), 6, True, "concentrated"),
            StudySessionInfo(t - timedelta(days=15), 6, True, "tutorial"),
            StudySessionInfo(t - timedelta(days=14), 6, False, "self"),
        ),
        study=tuple(StudyTally(k, 18.0, 12.0) for k in keys),
        opinions=(
            OpinionInfo(11, TEAM, "form", t - timedelta(days=13), answered=True),
            OpinionInfo(12, others[0], "forum", t - timedelta(days=13), answered=True),
        ),
        opinion_summary=SummaryInfo(t - timedelta(days=10), frozenset(k for k in keys if k != others[0])),
        feedback=tuple(
            [FeedbackInfo("team", k, t - timedelta(days=9), by=main) for k in keys] + [FeedbackInfo("personal", others[0], t - timedelta(days=9), by=main)]
        ),
        talks=tuple(talks),
        self_exams=tuple(exams),
        sittings=(SittingInfo("democratic_life", 1, "closed", t, SUPERIOR, True, host=main),),
        attendance=tuple(AttendanceInfo("democratic_life", k) for k in keys),
        statements=tuple(said),
        agenda=tuple(agenda),
        commentary=CommentaryInfo(True, True, True, 3, True),
        closing=ClosingInfo(main, True, 3, True, True, True, True),
        problems=(ProblemInfo(21, "commentary", "organization", TEAM, raised_by_superior=True, item_count=1),),
        items=(
            ItemInfo(21, 21, "organization", TEAM, deadline=t + timedelta(days=50), status="closed", closed_on=t + timedelta(days=40)),
            *(
                ItemInfo(30 + i, 21, "personal", k, deadline=t + timedelta(days=50), status="closed", closed_on=t + timedelta(days=45))
                for i, k in enumerate(keys)
            ),
        ),
        report=ReportInfo(t + timedelta(days=10), "accepted", True, True, True, frozenset({"discipline", "organization_dept"})),
        circular=CircularInfo(t + timedelta(days=20), "全区干部", "内网通报", True),
        previous=PreviousMeetingInfo(True, 4, 4, 0),
    )


def big_org_life(members: int = 200, *, done_ratio: float = 0.5) -> MeetingSnapshot:
    """A branch of `members` in `all_pairs` mode with `done_ratio` of the member pairs talked
    (the benchmark's case: 200 members, 19,900 pairs, half done), preparing for `ready`."""
    base = org_life(members, stage="preparing")
    keys = [p.key for p in base.roster]
    everything = list(combinations(keys, 2))
    done = everything[: int(len(everything) * done_ratio)]
    held = OL_DAY - timedelta(days=10)
    talks = [TalkInfo(SUPERIOR, keys[0], held_on=held)] + [TalkInfo(a, b, held_on=held) for a, b in done]
    return replace(base, talks=tuple(talks), today=OL_DAY - timedelta(days=5), sittings=(), attendance=(), statements=())
