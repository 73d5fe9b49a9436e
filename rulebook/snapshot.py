"""The plain data a rule check sees: one meeting, flattened. No ORM here, ever.

`meetings.snapshot.build(meeting)` fills it from the database in a fixed number of queries
(each app contributes its own part: appraisal, rectification). Tests and benchmarks build
snapshots directly. Every field has a default so a builder can grow part by part.

People are identified by a *person key*: ``"m<member id>"`` for a roster member and
``"u<user id>"`` for a user who is not on this roster (the superior's head or guide).
``TEAM`` stands for the branch committee / leading team as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TEAM = "team"


@dataclass(frozen=True)
class Person:
    key: str
    name: str = ""
    is_secretary: bool = False
    is_committee: bool = False  # holds a committee office (secretary included)
    is_probationary: bool = False
    is_leading_cadre: bool = False
    is_elderly_or_infirm: bool = False
    is_mobile: bool = False
    is_in_difficulty: bool = False
    small_group: str | None = None
    # 民主生活会 only
    is_main_leader: bool = False
    rank: int = 0  # order of the rounds (DL-3.3.d)
    overseen_heads: tuple[str, ...] = ()  # P-DL-2.6.c: person keys of the heads of units this leader oversees


@dataclass(frozen=True)
class OrgInfo:
    kind: str  # organizations.choices.OrgKind
    sector: str  # organizations.choices.Sector
    has_committee: bool = False


@dataclass(frozen=True)
class PlanInfo:
    status: str = "draft"  # meetings.choices.PlanStatus
    has_time: bool = False
    has_place: bool = False
    has_form: bool = False
    has_participants: bool = False
    has_requirements: bool = False
    has_agenda: bool = False
    theme: str = ""
    has_theme_rationale: bool = False
    approval_mode: str = ""
    submitted_on: date | None = None
    approved_on: date | None = None
    filed_on: date | None = None  # DL-2.2.c: the later of the two filings
    filed_offices: frozenset[str] = frozenset()  # {"discipline", "organization_dept"}
    has_decision_minutes: bool = False  # DL-2.2.b: minutes attached when decided collectively


@dataclass(frozen=True)
class NoticeInfo:
    kind: str  # meetings.choices.NoticeKind
    published_on: date | None = None
    has_time: bool = False
    has_theme: bool = False
    has_channels: bool = False
    form: str = ""
    scope: str = ""
    is_public: bool = False
    display_until: date | None = None  # OL-4.1.d display period (last day shown)


@dataclass(frozen=True)
class StudySessionInfo:
    date: date
    hours: float
    concentrated: bool
    form: str = ""


@dataclass(frozen=True)
class StudyTally:
    """Per person: hours counted before the meeting (OL-2.0/2.2.e)."""

    person: str
    total_hours: float = 0.0
    concentrated_hours: float = 0.0
    flexible: bool = False  # covered by home visit / remote (OL-1.3.d/e)


@dataclass(frozen=True)
class OpinionInfo:
    id: int
    target: str  # TEAM or a person key
    channel: str = ""
    received_on: date | None = None
    is_vague: bool = False  # 空对空 (OL-2.3.f)
    strong_public_concern: bool = False
    answered: bool = False  # linked from a self-examination or a self-criticism


@dataclass(frozen=True)
class SummaryInfo:
    frozen_on: date | None = None
    none_received_for: frozenset[str] = frozenset()  # TEAM and/or person keys


@dataclass(frozen=True)
class FeedbackInfo:
    kind: str  # meetings.choices.FeedbackKind
    recipient: str
    delivered_on: date | None = None
    due_on: date | None = None
    acknowledged_on: date | None = None
    by: str = ""  # person key of who delivered it


@dataclass(frozen=True)
class TalkInfo:
    a: str
    b: str
    kind: str = "regular"  # meetings.choices.TalkKind
    held_on: date | None = None


@dataclass(frozen=True)
class TalkFlagInfo:
    a: str
    b: str | None = None
    kind: str = "conflict"


@dataclass(frozen=True)
class SelfExamInfo:
    author: str  # TEAM or a person key
    doc_kind: str  # meetings.choices.SelfExamKind
    status: str = "draft"  # meetings.choices.DocStatus
    has_problems: bool = False
    has_causes: bool = False
    has_measures: bool = False
    has_structured_items: bool = False  # OL-2.5.d
    has_upload: bool = False
    has_thought: bool = False  # DL-3.3.b
    has_personal: bool = False  # DL-3.3.b
    only_achievements: bool = False  # DL-3.3.b heuristic computed by the builder
    items_missing_cause_or_measure: int = 0
    unanswered_opinions: tuple[int, ...] = ()
    max_similarity: float = 0.0  # to another person's or last year's text (0–1)
    similar_to: str = ""
    approved_by_superior: bool = False
    approved_by_main_leader: bool = False
    submitted_on: date | None = None
    linked_opinions: int = 0  # OL-2.5.f: opinions this outline answers
    written_personally: bool = False  # P-DL-2.7.b declaration
    has_last_rectification: bool = False  # P-DL-2.7.c: previous rectification section


@dataclass(frozen=True)
class SittingInfo:
    kind: str  # meetings.choices.SittingKind
    order: int = 1
    status: str = "planned"  # meetings.choices.SittingStatus
    date: date | None = None
    guide: str = ""  # person key of the superior guide
    has_minutes_scan: bool = False
    host: str = ""  # person key of the chair (P-DL-3.1.a)


@dataclass(frozen=True)
class AgendaItemInfo:
    """One agenda step of a sitting; for a 民主生活会 the fixed slots ①–⑦ (DL-3.2)."""

    sitting_kind: str
    order: int
    slot: int | None = None  # meetings.choices.DLSlot
    subject: str | None = None  # slot ⑤: whose round
    completed: bool = False


@dataclass(frozen=True)
class AttendanceInfo:
    sitting_kind: str
    person: str
    mode: str = "in_person"  # meetings.choices.ParticipationMode
    absence_reason: str = ""
    proxy: str = ""


@dataclass(frozen=True)
class StatementInfo:
    """One entry of the record in sitting order (criticism, self-criticism, response, report)."""

    sitting_kind: str
    seq: int
    kind: str  # meetings.choices.CriticismKind
    speaker: str  # person key, "o<id>" for an observer, "u<id>" for the guide
    target: str | None = None  # TEAM, a person key, or None for self/report
    slot: int | None = None  # DL agenda slot
    subject: str | None = None  # DL: whose round this belongs to
    has_content: bool = True
    has_suggestion: bool = False
    has_response: bool = False


@dataclass(frozen=True)
class CommentaryInfo:
    has_preparation: bool = False
    has_criticism: bool = False
    has_effect: bool = False
    guidance_count: int = 0
    by_guide: bool = False


@dataclass(frozen=True)
class ClosingInfo:
    author: str = ""
    after_commentary: bool = True
    guidance_answered: int = 0
    has_opinions_response: bool = False
    has_commitment: bool = False
    has_shortcomings: bool = False
    has_rectification_opinions: bool = False


@dataclass(frozen=True)
class AppraisalInfo:
    """民主评议 (appraisal app fills this)."""

    exists: bool = False
    self_assessments_done: int = 0
    appraised_count: int = 0
    voting_closed: bool = False
    quorum_met: bool = False
    eligible_voters: int = 0
    ballots_cast: int = 0
    ratings_final: bool = False
    excellent_count: int = 0
    unqualified_pending_approval: int = 0


@dataclass(frozen=True)
class ProblemInfo:
    id: int
    source: str
    scope: str = ""  # organization | personal | "" (not yet classified)
    owner: str = ""  # person key or TEAM
    strong_public_concern: bool = False
    raised_by_superior: bool = False
    answered: bool = False  # responded to in the owner's self-criticism (OL-3.1.f)
    item_count: int = 0


@dataclass(frozen=True)
class ItemInfo:
    id: int
    problem_id: int
    scope: str = ""
    owner: str = ""
    missing: tuple[str, ...] = ()  # of 目标/途径/责任/时限
    deadline: date | None = None
    status: str = "draft"  # rectification.choices.ItemStatus
    is_public: bool = False
    closed_on: date | None = None


@dataclass(frozen=True)
class ReportInfo:
    submitted_on: date | None = None
    status: str = ""  # rectification app's report status
    has_situation_report: bool = False
    has_minutes_scan: bool = False
    has_opinion_summary: bool = False
    filed_offices: frozenset[str] = frozenset()
    returned_count: int = 0


@dataclass(frozen=True)
class CircularInfo:
    published_on: date | None = None
    scope: str = ""
    form: str = ""
    is_public: bool = False


@dataclass(frozen=True)
class PreviousMeetingInfo:
    """Last meeting of the same organization and kind (回头看, DL-3.2.b)."""

    exists: bool = False
    items_total: int = 0
    items_closed: int = 0
    items_overdue: int = 0


@dataclass
class MeetingSnapshot:
    meeting_id: int
    kind: str  # org_life | democratic_life
    organization: OrgInfo
    today: date
    half: str = ""
    special: bool = False
    year: int = 0
    stage: str = "planning"
    meeting_date: date | None = None
    window: tuple[date, date] | None = None  # DL-1.2.b deployment window
    plan: PlanInfo = field(default_factory=PlanInfo)
    roster: tuple[Person, ...] = ()  # OL: the branch's members; DL: the team's leaders
    superior_head: str = ""  # person key (OL-2.4.a)
    notices: tuple[NoticeInfo, ...] = ()
    reading_count: int = 0
    study_sessions: tuple[StudySessionInfo, ...] = ()
    study: tuple[StudyTally, ...] = ()
    opinions: tuple[OpinionInfo, ...] = ()
    opinion_summary: SummaryInfo | None = None
    feedback: tuple[FeedbackInfo, ...] = ()
    talks: tuple[TalkInfo, ...] = ()
    talk_flags: tuple[TalkFlagInfo, ...] = ()
    self_exams: tuple[SelfExamInfo, ...] = ()
    sittings: tuple[SittingInfo, ...] = ()
    attendance: tuple[AttendanceInfo, ...] = ()
    statements: tuple[StatementInfo, ...] = ()
    observers: int = 0
    commentary: CommentaryInfo | None = None
    closing: ClosingInfo | None = None
    appraisal: AppraisalInfo | None = None
    problems: tuple[ProblemInfo, ...] = ()
    items: tuple[ItemInfo, ...] = ()
    report: ReportInfo | None = None
    circular: CircularInfo | None = None
    previous: PreviousMeetingInfo | None = None
    overlapping_meetings: int = 0  # DL-1.3: other meetings of the same org on the same date
    agenda: tuple[AgendaItemInfo, ...] = ()
    deployment_theme: str = ""  # DL-2.1.a: the theme set by the superior's deployment (campaign)
    overrides: frozenset[str] = frozenset()  # rule ids a reviewer let pass

    def person(self, key: str) -> Person | None:
        for p in self.roster:
            if p.key == key:
                return p
        return None
