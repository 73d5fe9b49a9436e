"""State changes of the 民主评议: one function per change (see docs/conventions.md).

The ballot path (`cast_ballot`) is the one that matters for anonymity; read
docs/anonymity.md before changing it. In short: the voter's right is consumed by a
conditional UPDATE and the ballot inserted in the same transaction; nothing written in that
transaction names the voter next to the ballot, and the audit entry only says that a ballot
was cast in this appraisal (no actor, no address, no request id).
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from accounts.grants import member_of
from accounts.permissions import Acting, require
from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError

from . import anonymity
from .choices import (
    DISPOSITION_STEPS,
    GRADE_CODES,
    DispositionKind,
    Grade,
    PaperStatus,
    RatingStatus,
    ResolutionBody,
    RightChannel,
    VotingMode,
    VotingStatus,
)
from .models import (
    Appraisal,
    Appraisee,
    Ballot,
    Disposition,
    DispositionStep,
    PaperCount,
    PaperTally,
    PeerComment,
    Rating,
    SelfAssessment,
    Tally,
    VotingRight,
)

# Meeting stages in which the appraisal can run: after the plan's approval (OL-2.1.c) and
# until the meeting is closed. Voting normally happens at the 党员大会 (OL-3.1.d).
ACTIVE_STAGES = ("preparing", "ready", "held", "rectifying", "reported")
SELF_ASSESSMENT_MAX = 3000
COMMENT_MAX = 1000


# -- rulebook parameters -------------------------------------------------------------------
def rulebook_of(meeting):
    """The meeting's pinned rulebook (ol-core's `lifecycle.rulebook_of` when present)."""
    try:
        from meetings import lifecycle

        return lifecycle.rulebook_of(meeting)
    except (ImportError, AttributeError):
        from rulebook import engine

        return engine.load(meeting.rulebook_slug, meeting.rulebook_version)


def ratio(value) -> Fraction:
    """A rulebook share as the simple fraction it stands for: 0.6667 → 2/3, 0.3333 → 1/3.

    The YAML writes ⅔ as 0.6667; comparing `ballots / eligible >= 0.6667` would reject
    exactly two thirds (e.g. 2 of 3), which is what the rule means to accept."""
    return Fraction(str(value)).limit_denominator(100)


def quorum_needed(eligible: int, quorum_ratio) -> int:
    if quorum_ratio is None:
        return 0
    return math.ceil(eligible * ratio(quorum_ratio))


def excellent_ceiling(appraised: int, max_ratio) -> int | None:
    """Most 优秀 ratings before the ⅓ warning (a ceiling, never a quota)."""
    if max_ratio is None:
        return None
    return math.floor(appraised * ratio(max_ratio))


# -- helpers -------------------------------------------------------------------------------
def _lock(appraisal: Appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update().select_related("meeting", "organization").get(pk=appraisal.pk)


def _manager(actor, appraisal_or_meeting) -> Acting:
    return require(actor, "appraisal.manage", appraisal_or_meeting.organization)


def _participant(actor, appraisal: Appraisal):
    """The acting member of the appraisal's branch (own roster only)."""
    acting = require(actor, "appraisal.take_part", appraisal.organization)
    member = member_of(actor)
    if member is None or member.organization_id != appraisal.organization_id:
        raise PermissionDenied("只有本支部党员可以参加民主评议")
    return acting, member


def _changed(appraisal: Appraisal) -> None:
    hooks.meeting_changed(appraisal.meeting_id)


def _roster(appraisal: Appraisal):
    from organizations.models import Member

    return list(Member.objects.filter(organization_id=appraisal.organization_id, is_active=True).order_by("name", "pk"))


# -- start, self-assessment, peer comments -------------------------------------------------
def start(meeting, *, actor) -> Appraisal:
    """Start the 民主评议 of a year-end 组织生活会 (OL-1.2.b) with the pinned rulebook's parameters."""
    with transaction.atomic():
        acting = _manager(actor, meeting)
        if meeting.kind != "org_life" or meeting.half != "year_end":
            raise DomainError("民主评议党员结合年底组织生活会开展（OL-1.2.b），本次会议不是年底组织生活会。")
        if meeting.stage not in ACTIVE_STAGES:
            raise DomainError(f"会议处于“{meeting.get_stage_display()}”阶段，方案经上级批准后才能开展民主评议（OL-2.1.c）。")
        existing = Appraisal.objects.filter(meeting=meeting).first()
        if existing is not None:
            return existing
        rb = rulebook_of(meeting)
        appraisal = Appraisal.objects.create(
            meeting=meeting,
            organization=meeting.organization,
            quorum_ratio=_decimal(rb.param("appraisal_quorum_ratio")),
            probationary_votes=bool(rb.param("appraisal_probationary_votes", False)),
            excellent_max_ratio=_decimal(rb.param("appraisal_excellent_max_ratio")),
            min_ballots_for_person_results=int(rb.param("appraisal_min_ballots_for_person_results", 0) or 0),
            created_by=actor,
        )
        record(acting, meeting.organization, appraisal, "appraisal.started", {"meeting": meeting.pk, "rulebook": f"{rb.slug}/{rb.version}"})
        _changed(appraisal)
    return appraisal


def _decimal(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


def save_self_assessment(appraisal: Appraisal, *, actor, text: str, submit: bool, version: int | None = None) -> SelfAssessment:
    """个人自评: a draft until submitted; editable until voting closes."""
    text = (text or "").strip()
    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting, member = _participant(actor, appraisal)
        if appraisal.is_closed:
            raise DomainError("民主测评已经结束，个人自评不能再修改。")
        if submit and not text:
            raise DomainError("请填写个人自评内容后再提交。")
        if len(text) > SELF_ASSESSMENT_MAX:
            raise DomainError(f"个人自评请控制在{SELF_ASSESSMENT_MAX}字以内。")
        current = SelfAssessment.objects.select_for_update().filter(appraisal=appraisal, member=member).first()
        if current is None:
            current = SelfAssessment.objects.create(appraisal=appraisal, member=member, text=text, submitted_at=timezone.now() if submit else None)
        else:
            if version is not None and version != current.version:
                raise ConcurrentEditError()
            current.text = text
            current.version += 1
            if submit:
                current.submitted_at = timezone.now()
            current.save(update_fields=["text", "version", "submitted_at", "updated_at"])
        record(
            acting,
            appraisal.organization,
            current,
            "appraisal.self_assessment_submitted" if submit else "appraisal.self_assessment_saved",
            {"appraisal": appraisal.pk},
        )
        if submit:
            _changed(appraisal)
    return current


def add_peer_comment(appraisal: Appraisal, *, actor, subject, text: str) -> PeerComment:
    """党员互评: named, unless the rulebook makes peer review anonymous."""
    text = (text or "").strip()
    with transaction.atomic():
        acting, member = _participant(actor, appraisal)
        if appraisal.is_closed:
            raise DomainError("民主测评已经结束，不能再提交互评意见。")
        if not text:
            raise DomainError("请填写评议意见。")
        if len(text) > COMMENT_MAX:
            raise DomainError(f"评议意见请控制在{COMMENT_MAX}字以内。")
        if subject.organization_id != appraisal.organization_id or not subject.is_active:
            raise DomainError("只能评议本支部在册党员。")
        if subject.pk == member.pk:
            raise DomainError("对自己的评价请写在个人自评中。")
        anonymous = bool(rulebook_of(appraisal.meeting).param("appraisal_peer_review_anonymous", False))
        comment = PeerComment.objects.create(appraisal=appraisal, author=None if anonymous else member, subject=subject, text=text)
        record(
            None if anonymous else acting,
            appraisal.organization,
            appraisal,
            "appraisal.peer_comment",
            {"subject": subject.pk} if not anonymous else {},
        )
    return comment


# -- voting --------------------------------------------------------------------------------
def open_voting(appraisal: Appraisal, *, actor, mode: str, sitting=None, window_end: datetime.datetime | None = None) -> Appraisal:
    """Open the 民主测评: freeze the appraised roster and give every eligible voter one right.

    Probationary members are appraised; they vote only where the rulebook says so."""
    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting = _manager(actor, appraisal)
        if appraisal.voting_status != VotingStatus.NOT_OPENED:
            raise DomainError("民主测评已经开始过，不能重复开始。")
        if appraisal.meeting.stage not in ACTIVE_STAGES:
            raise DomainError(f"会议处于“{appraisal.meeting.get_stage_display()}”阶段，不能开始民主测评。")
        now = timezone.now()
        if mode == VotingMode.SITTING:
            if sitting is None or sitting.meeting_id != appraisal.meeting_id:
                raise DomainError("请选择本次会议中进行测评的会议场次（一般为党员大会）。")
            window_end = None
        elif mode == VotingMode.WINDOW:
            if window_end is None or window_end <= now:
                raise DomainError("请填写晚于现在的网上测评截止时间。")
            sitting = None
        else:
            raise DomainError("请选择测评方式。")
        roster = _roster(appraisal)
        if len(roster) < 2:
            raise DomainError("本支部在册党员不足2人，无法开展民主测评。")
        Appraisee.objects.bulk_create(
            [Appraisee(appraisal=appraisal, member=m, name=m.name, is_probationary=m.is_probationary, position=i) for i, m in enumerate(roster, start=1)]
        )
        voters = [m for m in roster if appraisal.probationary_votes or not m.is_probationary]
        VotingRight.objects.bulk_create([VotingRight(appraisal=appraisal, member=m) for m in voters])
        appraisal.voting_status = VotingStatus.OPEN
        appraisal.voting_mode = mode
        appraisal.sitting = sitting
        appraisal.window_end = window_end
        appraisal.opened_at = now
        appraisal.eligible_voters = len(voters)
        appraisal.version += 1
        appraisal.save(update_fields=["voting_status", "voting_mode", "sitting", "window_end", "opened_at", "eligible_voters", "version"])
        record(
            acting,
            appraisal.organization,
            appraisal,
            "appraisal.voting_opened",
            {"mode": mode, "appraised": len(roster), "eligible_voters": len(voters), "window_end": window_end},
        )
        _changed(appraisal)
    return appraisal


def voting_closed_for_voters(appraisal: Appraisal, now=None) -> str:
    """Why a voter cannot vote now ("" when they can, as far as the appraisal goes)."""
    if appraisal.voting_status == VotingStatus.NOT_OPENED:
        return "民主测评尚未开始。"
    if appraisal.voting_status == VotingStatus.CLOSED:
        return "民主测评已经结束。"
    if appraisal.window_end is not None and (now or timezone.now()) > appraisal.window_end:
        return "网上测评已过截止时间。"
    return ""


def _share_lock(appraisal_id: int) -> str:
    """Read the appraisal's status under a shared row lock on PostgreSQL, so that closing
    (FOR UPDATE) waits for ballots in flight and no ballot lands after the count. SQLite
    serializes writing transactions anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT voting_status FROM appraisal_appraisal WHERE id = %s FOR SHARE", [appraisal_id])
            row = cursor.fetchone()
        return row[0] if row else ""
    return Appraisal.objects.filter(pk=appraisal_id).values_list("voting_status", flat=True).first() or ""


def cast_ballot(appraisal: Appraisal, *, actor, grades: dict[int, str]) -> None:
    """Cast one anonymous ballot: a grade for every appraised member (self included, so the
    shape of a ballot never reveals its voter). Returns nothing that identifies the ballot."""
    acting, member = _participant(actor, appraisal)
    order = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position").values_list("pk", flat=True))
    appraisee_ids = set(order)
    if not appraisee_ids:
        raise DomainError("民主测评尚未开始。")
    given = {int(k): v for k, v in grades.items()}
    if set(given) != appraisee_ids:
        raise DomainError("请为每一名参评党员选择评价等次（包括您本人）。")
    if any(v not in Grade.values for v in given.values()):
        raise DomainError("评价等次无效，请重新选择。")
    letters = "".join(GRADE_CODES[given[pk]] for pk in order)
    with transaction.atomic():
        status = _share_lock(appraisal.pk)
        fresh = Appraisal(pk=appraisal.pk, voting_status=status, window_end=appraisal.window_end)
        reason = voting_closed_for_voters(fresh)
        if reason:
            raise DomainError(reason)
        # The one-time right, consumed here or not at all: the count tells which.
        consumed = VotingRight.objects.filter(appraisal_id=appraisal.pk, member_id=member.pk, used=False).update(used=True, channel=RightChannel.ONLINE)
        if consumed != 1:
            if VotingRight.objects.filter(appraisal_id=appraisal.pk, member_id=member.pk).exists():
                raise DomainError("您已经投过票了，每人只能投一次。")
            raise DomainError("您没有本次民主测评的表决权（预备党员等不参加投票）。")
        Ballot.objects.create(appraisal_id=appraisal.pk, grades=letters)
        record(None, appraisal.organization, appraisal, "appraisal.ballot_cast", {}, anonymous=True)
    # Nothing about the ballot (not even its id) leaves this function.


def record_paper(appraisal: Appraisal, *, actor, voters, ballots: int, tallies: dict[tuple[int, str], int], version: int | None = None) -> PaperCount:
    """Enter (or correct, until confirmed) the paper-ballot tallies. `voters` are the members
    who voted on paper: their online right is consumed (or released when unticked)."""
    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting = _manager(actor, appraisal)
        if not appraisal.is_open:
            raise DomainError("只有在测评进行中才能录入纸质票。")
        paper = PaperCount.objects.select_for_update().filter(appraisal=appraisal).first()
        if paper is not None and paper.status == PaperStatus.CONFIRMED:
            raise DomainError("纸质票统计已经确认，不能再修改。")
        if paper is not None and version is not None and version != paper.version:
            raise ConcurrentEditError()
        voter_ids = {m.pk for m in voters}
        rights = {r.member_id: r for r in VotingRight.objects.select_for_update().filter(appraisal=appraisal)}
        missing = voter_ids - set(rights)
        if missing:
            raise DomainError("所选党员中有人没有表决权。")
        online = [rights[i] for i in voter_ids if rights[i].channel == RightChannel.ONLINE]
        if online:
            raise DomainError("所选党员中有人已经在网上投票，不能再投纸质票。")
        if ballots < 0 or ballots > len(voter_ids):
            raise DomainError(f"收回的纸质票数（{ballots}）不能多于投纸质票的人数（{len(voter_ids)}）。")
        appraisees = {a.pk: a for a in Appraisee.objects.filter(appraisal=appraisal)}
        per_person: dict[int, int] = {}
        for (appraisee_id, grade), count in tallies.items():
            if appraisee_id not in appraisees or grade not in Grade.values or count < 0:
                raise DomainError("纸质票计数无效。")
            per_person[appraisee_id] = per_person.get(appraisee_id, 0) + count
        over = [appraisees[i].name for i, n in per_person.items() if n > ballots]
        if over:
            raise DomainError(f"{'、'.join(over)}的各等次票数合计超过了收回的纸质票数（{ballots}张）。")
        # Rights: consume the ticked ones, release the unticked paper ones.
        VotingRight.objects.filter(appraisal=appraisal, member_id__in=voter_ids, used=False).update(used=True, channel=RightChannel.PAPER)
        VotingRight.objects.filter(appraisal=appraisal, channel=RightChannel.PAPER).exclude(member_id__in=voter_ids).update(
            used=False, channel=RightChannel.UNUSED
        )
        now = timezone.now()
        if paper is None:
            paper = PaperCount.objects.create(appraisal=appraisal, ballots=ballots, entered_by=actor, entered_at=now)
        else:
            paper.ballots, paper.entered_by, paper.entered_at = ballots, actor, now
            paper.version += 1
            paper.save(update_fields=["ballots", "entered_by", "entered_at", "version"])
            paper.tallies.all().delete()
        PaperTally.objects.bulk_create([PaperTally(paper=paper, appraisee_id=a, grade=g, count=c) for (a, g), c in sorted(tallies.items()) if c])
        record(acting, appraisal.organization, paper, "appraisal.paper_recorded", {"voters": len(voter_ids), "ballots": ballots})
    return paper


def confirm_paper(appraisal: Appraisal, *, actor, version: int | None = None) -> PaperCount:
    """A second committee member confirms the paper tallies (never the one who entered them)."""
    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting = require(actor, "appraisal.confirm_paper", appraisal.organization)
        paper = PaperCount.objects.select_for_update().filter(appraisal=appraisal).first()
        if paper is None:
            raise DomainError("还没有录入纸质票统计。")
        if paper.status == PaperStatus.CONFIRMED:
            raise DomainError("纸质票统计已经确认。")
        if version is not None and version != paper.version:
            raise ConcurrentEditError("纸质票统计在您查看后被修改过，请核对最新的统计后再确认。")
        if paper.entered_by_id == actor.pk:
            raise DomainError("纸质票统计须由录入人以外的另一名支部委员确认。")
        paper.status = PaperStatus.CONFIRMED
        paper.confirmed_by = actor
        paper.confirmed_at = timezone.now()
        paper.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record(acting, appraisal.organization, paper, "appraisal.paper_confirmed", {"ballots": paper.ballots})
    return paper


def close_voting(appraisal: Appraisal, *, actor) -> Appraisal:
    """Close the vote: count, flag a count below quorum, and re-write ballots and rights in a
    shuffled batch so their physical order and transaction ids tell nothing (docs/anonymity.md).

    `actor=None` is the system closing a window that has passed (`close_expired`)."""
    with transaction.atomic():
        appraisal = _lock(appraisal)  # waits for ballots in flight (they hold FOR SHARE)
        if actor is None:
            if appraisal.window_end is None or appraisal.window_end > timezone.now():
                raise DomainError("只有过了截止时间的网上测评才能由系统自动结束。")
            acting = None
        else:
            acting = _manager(actor, appraisal)
        if not appraisal.is_open:
            raise DomainError("民主测评不在进行中。")
        paper = PaperCount.objects.filter(appraisal=appraisal).first()
        if paper is not None and paper.status != PaperStatus.CONFIRMED:
            raise DomainError("纸质票统计尚未经另一名支部委员确认，请确认后再结束测评。")
        online = Ballot.objects.filter(appraisal=appraisal).count()
        cast = online + (paper.ballots if paper else 0)
        appraisal.ballots_cast = cast
        appraisal.quorum_met = cast >= quorum_needed(appraisal.eligible_voters, appraisal.quorum_ratio)
        appraisal.voting_status = VotingStatus.CLOSED
        appraisal.closed_at = timezone.now()
        appraisal.version += 1
        appraisal.save(update_fields=["ballots_cast", "quorum_met", "voting_status", "closed_at", "version"])
        anonymity.reshuffle(appraisal)
        _count(appraisal)
        record(
            acting,
            appraisal.organization,
            appraisal,
            "appraisal.voting_closed",
            {"eligible_voters": appraisal.eligible_voters, "ballots_cast": cast, "quorum_met": appraisal.quorum_met},
        )
        _changed(appraisal)
        transaction.on_commit(lambda: anonymity.vacuum())
    return appraisal


def _count(appraisal: Appraisal) -> None:
    """Count the online ballots into `Tally` (one pass over the grade strings, column by column)."""
    from collections import Counter

    from .choices import CODE_GRADES

    order = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position").values_list("pk", flat=True))
    ballots = list(Ballot.objects.filter(appraisal=appraisal).values_list("grades", flat=True))
    rows = []
    for position, column in enumerate(zip(*ballots, strict=True) if ballots else []):
        for code, n in Counter(column).items():
            rows.append(Tally(appraisee_id=order[position], grade=CODE_GRADES[code], count=n))
    Tally.objects.bulk_create(rows, batch_size=2000)


def close_expired(now=None) -> int:
    """Close every online vote whose window has passed (idempotent: a closed one is skipped)."""
    now = now or timezone.now()
    closed = 0
    for appraisal in Appraisal.objects.filter(voting_status=VotingStatus.OPEN, window_end__lt=now):
        try:
            close_voting(appraisal, actor=None)
        except DomainError:
            continue  # e.g. paper tallies still waiting for confirmation: the secretary's task says so
        closed += 1
    return closed


# -- organizational rating -----------------------------------------------------------------
def propose_ratings(appraisal: Appraisal, *, actor, proposals: dict[int, tuple[str, str]], version: int | None = None) -> int:
    """The committee's (or 党员大会's) proposed rating of each member, from the tallies.
    Ratings still waiting for or holding the superior's decision are not touched."""
    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting = _manager(actor, appraisal)
        if not appraisal.is_closed:
            raise DomainError("民主测评结束后才能进行组织评定。")
        if version is not None and version != appraisal.version:
            raise ConcurrentEditError()
        appraisees = {a.pk: a for a in Appraisee.objects.filter(appraisal=appraisal)}
        existing = {r.appraisee_id: r for r in Rating.objects.select_for_update().filter(appraisee__appraisal=appraisal)}
        now, changed = timezone.now(), 0
        for appraisee_id, (grade, remarks) in proposals.items():
            if appraisee_id not in appraisees:
                raise DomainError("参评党员无效。")
            if not grade:
                continue
            if grade not in Grade.values:
                raise DomainError("评定等次无效。")
            rating = existing.get(appraisee_id)
            if rating is None:
                Rating.objects.create(appraisee_id=appraisee_id, grade=grade, remarks=remarks, proposed_by=actor, proposed_at=now)
                changed += 1
            elif rating.status in (RatingStatus.PROPOSED, RatingStatus.RETURNED) and (rating.grade, rating.remarks) != (grade, remarks):
                rating.grade, rating.remarks, rating.proposed_by, rating.proposed_at = grade, remarks, actor, now
                rating.status = RatingStatus.PROPOSED
                rating.save(update_fields=["grade", "remarks", "proposed_by", "proposed_at", "status"])
                changed += 1
        appraisal.version += 1
        appraisal.save(update_fields=["version"])
        record(acting, appraisal.organization, appraisal, "appraisal.ratings_proposed", {"changed": changed})
    return changed


def finalize_ratings(appraisal: Appraisal, *, actor) -> list:
    """确定评定结果. Every member needs a rating. 优秀 above the ceiling is a warning only; a
    不合格 rating stays pending until its resolution is recorded and the superior approves.
    Returns the findings to show (warnings)."""
    from .results import rating_findings

    with transaction.atomic():
        appraisal = _lock(appraisal)
        acting = _manager(actor, appraisal)
        if not appraisal.is_closed:
            raise DomainError("民主测评结束后才能确定评定结果。")
        total = Appraisee.objects.filter(appraisal=appraisal).count()
        ratings = list(Rating.objects.select_for_update().filter(appraisee__appraisal=appraisal))
        if len(ratings) < total:
            raise DomainError(f"还有{total - len(ratings)}名党员没有拟定评定等次。")
        for rating in ratings:
            if rating.grade != Grade.UNQUALIFIED and rating.status == RatingStatus.PROPOSED:
                rating.status = RatingStatus.FINAL
                rating.save(update_fields=["status"])
        _maybe_all_final(appraisal)
        record(acting, appraisal.organization, appraisal, "appraisal.ratings_finalized", {"final": appraisal.ratings_final_at is not None})
        _changed(appraisal)
        return rating_findings(appraisal)


def _maybe_all_final(appraisal: Appraisal) -> None:
    total = Appraisee.objects.filter(appraisal=appraisal).count()
    final = Rating.objects.filter(appraisee__appraisal=appraisal, status=RatingStatus.FINAL).count()
    done = total > 0 and final == total
    if done and appraisal.ratings_final_at is None:
        appraisal.ratings_final_at = timezone.now()
        appraisal.save(update_fields=["ratings_final_at"])


def _lock_rating(rating: Rating) -> Rating:
    return Rating.objects.select_for_update().select_related("appraisee__appraisal__organization", "appraisee__appraisal__meeting").get(pk=rating.pk)


def submit_unqualified(rating: Rating, *, actor, body: str, resolution_date: datetime.date, text: str) -> Rating:
    """Record the resolution of the 支委会 / 党员大会 on a 不合格 rating and send it to the superior."""
    with transaction.atomic():
        rating = _lock_rating(rating)
        appraisal = rating.appraisee.appraisal
        acting = _manager(actor, appraisal)
        if rating.grade != Grade.UNQUALIFIED:
            raise DomainError("只有评定为“不合格”的需要决议和上级审批。")
        if rating.status not in (RatingStatus.PROPOSED, RatingStatus.RETURNED):
            raise DomainError("该评定已经报送上级或已经确定。")
        if body not in ResolutionBody.values or resolution_date is None or not (text or "").strip():
            raise DomainError("请填写作出决议的会议、日期和决议内容。")
        if resolution_date > timezone.localdate():
            raise DomainError("决议日期不能晚于今天。")
        rating.resolution_body, rating.resolution_date, rating.resolution_text = body, resolution_date, text.strip()
        rating.status = RatingStatus.AWAITING_APPROVAL
        rating.save(update_fields=["resolution_body", "resolution_date", "resolution_text", "status"])
        record(acting, appraisal.organization, rating, "appraisal.unqualified_submitted", {"appraisee": rating.appraisee_id})
    return rating


def _approver(actor, appraisal) -> Acting:
    acting = require(actor, "appraisal.approve", appraisal.organization)
    member = member_of(actor)
    if member is not None and member.organization_id == appraisal.organization_id:
        raise PermissionDenied("本支部党员不能审批本支部的评定结果")
    return acting


def approve_unqualified(rating: Rating, *, actor, comment: str = "") -> Rating:
    """The superior approves a 不合格 rating: it becomes final and the 组织处置 can be opened."""
    with transaction.atomic():
        rating = _lock_rating(rating)
        appraisal = rating.appraisee.appraisal
        acting = _approver(actor, appraisal)
        if rating.status != RatingStatus.AWAITING_APPROVAL:
            raise DomainError("该评定不在待审批状态。")
        if not (rating.resolution_text and rating.resolution_date):
            raise DomainError("没有支部的决议，不能批准“不合格”评定。")
        rating.status = RatingStatus.FINAL
        rating.decided_by, rating.decided_at, rating.decision_comment = actor, timezone.now(), comment.strip()
        rating.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        _maybe_all_final(Appraisal.objects.select_for_update().get(pk=appraisal.pk))
        record(acting, appraisal.organization, rating, "appraisal.unqualified_approved", {"appraisee": rating.appraisee_id})
        _changed(appraisal)
    return rating


def return_unqualified(rating: Rating, *, actor, comment: str) -> Rating:
    with transaction.atomic():
        rating = _lock_rating(rating)
        appraisal = rating.appraisee.appraisal
        acting = _approver(actor, appraisal)
        if rating.status != RatingStatus.AWAITING_APPROVAL:
            raise DomainError("该评定不在待审批状态。")
        if not (comment or "").strip():
            raise DomainError("请写明退回理由。")
        rating.status = RatingStatus.RETURNED
        rating.decided_by, rating.decided_at, rating.decision_comment = actor, timezone.now(), comment.strip()
        rating.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        record(acting, appraisal.organization, rating, "appraisal.unqualified_returned", {"appraisee": rating.appraisee_id})
    return rating


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_disposition(rating: Rating, *, actor, kind: str, decided_on: datetime.date, period_end: datetime.date | None = None) -> Disposition:
    """组织处置 after an approved 不合格: 限期改正 (with its period), 劝其退党 or 除名, as tracked steps."""
    with transaction.atomic():
        rating = _lock_rating(rating)
        appraisal = rating.appraisee.appraisal
        acting = _manager(actor, appraisal)
        if rating.grade != Grade.UNQUALIFIED or rating.status != RatingStatus.FINAL:
            raise DomainError("只有经上级批准的“不合格”评定才能启动组织处置。")
        if Disposition.objects.filter(rating=rating).exists():
            raise DomainError("该党员的组织处置已经启动。")
        if kind not in DispositionKind.values or decided_on is None:
            raise DomainError("请选择处置方式并填写决定日期。")
        if kind == DispositionKind.CORRECTION:
            from .choices import DEFAULT_CORRECTION_MONTHS

            period_end = period_end or _add_months(decided_on, DEFAULT_CORRECTION_MONTHS)
            if period_end <= decided_on:
                raise DomainError("改正期限须晚于决定日期。")
        else:
            period_end = None
        disposition = Disposition.objects.create(
            rating=rating, organization=appraisal.organization, kind=kind, decided_on=decided_on, period_end=period_end, created_by=actor
        )
        steps = []
        for order, (key, title, offset) in enumerate(DISPOSITION_STEPS[kind], start=1):
            if offset is None:
                due = period_end if key == "review" else period_end + datetime.timedelta(days=30)
            else:
                due = decided_on + datetime.timedelta(days=offset)
            steps.append(DispositionStep(disposition=disposition, key=key, title=title, order=order, due=due))
        DispositionStep.objects.bulk_create(steps)
        record(acting, appraisal.organization, disposition, "appraisal.disposition_opened", {"kind": kind, "period_end": period_end})
    return disposition


def complete_step(step: DispositionStep, *, actor, done_on: datetime.date, note: str = "") -> DispositionStep:
    with transaction.atomic():
        step = DispositionStep.objects.select_for_update().select_related("disposition__organization").get(pk=step.pk)
        acting = require(actor, "appraisal.manage", step.disposition.organization)
        if step.done_on is not None:
            raise DomainError("该步骤已经办结。")
        if done_on is None or done_on > timezone.localdate():
            raise DomainError("请填写不晚于今天的完成日期。")
        step.done_on, step.note = done_on, (note or "").strip()
        step.save(update_fields=["done_on", "note"])
        record(acting, step.disposition.organization, step.disposition, "appraisal.disposition_step_done", {"step": step.key})
    return step


AUDIT_ACTIONS = {
    "appraisal.started": "开展民主评议",
    "appraisal.self_assessment_saved": "保存个人自评",
    "appraisal.self_assessment_submitted": "提交个人自评",
    "appraisal.peer_comment": "提交党员互评意见",
    "appraisal.voting_opened": "开始民主测评",
    "appraisal.ballot_cast": "民主测评收到一张测评票",
    "appraisal.paper_recorded": "录入纸质测评票统计",
    "appraisal.paper_confirmed": "确认纸质测评票统计",
    "appraisal.voting_closed": "结束民主测评",
    "appraisal.ratings_proposed": "拟定组织评定等次",
    "appraisal.ratings_finalized": "确定组织评定结果",
    "appraisal.unqualified_submitted": "报送不合格党员评定",
    "appraisal.unqualified_approved": "批准不合格党员评定",
    "appraisal.unqualified_returned": "退回不合格党员评定",
    "appraisal.disposition_opened": "启动不合格党员组织处置",
    "appraisal.disposition_step_done": "办结组织处置步骤",
    "appraisal.results_exported": "导出民主评议结果",
}
