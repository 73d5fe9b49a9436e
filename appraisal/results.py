"""Tallies, warnings and the result sheet. Counting happens in the database (GROUP BY), and
nothing here answers before voting has closed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from core.errors import DomainError
from rulebook.engine import Finding

from .choices import GRADE_ORDER, Grade, PaperStatus, RatingStatus
from .models import Appraisal, Appraisee, PaperTally, Rating, Tally
from .services import excellent_ceiling, quorum_needed


@dataclass
class Row:
    appraisee: Appraisee
    counts: dict[str, int] = field(default_factory=dict)
    rating: Rating | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, grade: str) -> int:
        return self.counts.get(grade, 0)

    @property
    def in_order(self) -> list[tuple[str, str, int]]:
        return [(g, label, self.counts.get(g, 0)) for g, label in Grade.choices]

    @property
    def suggested(self) -> str:
        """The grade with most votes (ties go to the lower grade: a conservative suggestion)."""
        if not self.total:
            return ""
        best = max(self.counts.values())
        return [g for g in GRADE_ORDER if self.counts.get(g, 0) == best][-1]


def require_closed(appraisal: Appraisal) -> None:
    if not appraisal.is_closed:
        raise DomainError("测评结果在民主测评结束后才能查看。")


def tallies(appraisal: Appraisal) -> list[Row]:
    """Per-member counts of online ballots plus confirmed paper tallies (three queries)."""
    require_closed(appraisal)
    rows = {a.pk: Row(a) for a in Appraisee.objects.filter(appraisal=appraisal).select_related("rating").order_by("position")}
    for appraisee_id, grade, n in Tally.objects.filter(appraisee__appraisal=appraisal).values_list("appraisee_id", "grade", "count"):
        rows[appraisee_id].counts[grade] = rows[appraisee_id].counts.get(grade, 0) + n
    paper = (
        PaperTally.objects.filter(paper__appraisal=appraisal, paper__status=PaperStatus.CONFIRMED)
        .values_list("appraisee_id", "grade")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for appraisee_id, grade, n in paper:
        rows[appraisee_id].counts[grade] = rows[appraisee_id].counts.get(grade, 0) + n
    for row in rows.values():
        row.rating = getattr(row.appraisee, "rating", None)
    return list(rows.values())


def own_result(appraisal: Appraisal, member) -> Row | None:
    """A member's own tallies (hidden below the rulebook's minimum number of ballots) and rating."""
    require_closed(appraisal)
    appraisee = Appraisee.objects.filter(appraisal=appraisal, member=member).select_related("rating").first()
    if appraisee is None:
        return None
    row = Row(appraisee, rating=getattr(appraisee, "rating", None))
    if appraisal.ballots_cast >= appraisal.min_ballots_for_person_results:
        for grade, n in Tally.objects.filter(appraisee=appraisee).values_list("grade", "count"):
            row.counts[grade] = n
        for grade, n in PaperTally.objects.filter(appraisee=appraisee, paper__status=PaperStatus.CONFIRMED).values_list("grade", "count"):
            row.counts[grade] = row.counts.get(grade, 0) + n
    return row


@dataclass(frozen=True)
class RatedBelow:
    """A member the organization rated below 合格 (final): what rectification may use."""

    appraisee_id: int
    member_id: int
    name: str
    grade: str
    grade_label: str
    remarks: str


BELOW_QUALIFIED = (Grade.BASICALLY_QUALIFIED, Grade.UNQUALIFIED)


def rated_below_qualified(appraisal: Appraisal) -> list[RatedBelow]:
    """OL-4.1.a (民主测评 → problems): the members whose *final organizational rating* is 基本合格
    or 不合格, with the rating's remarks. Only the rating is read — a decision of the 支委会 /
    党员大会 (and, for 不合格, the superior) — never a ballot, a tally or a count, so nothing here
    can be traced to how anyone voted (docs/anonymity.md). Ratings still proposed or awaiting
    approval are left out: they may change."""
    require_closed(appraisal)
    rows = (
        Rating.objects.filter(appraisee__appraisal=appraisal, status=RatingStatus.FINAL, grade__in=BELOW_QUALIFIED)
        .order_by("appraisee__position")
        .values_list("appraisee_id", "appraisee__member_id", "appraisee__name", "grade", "remarks")
    )
    labels = dict(Grade.choices)
    return [RatedBelow(a, m, name, grade, labels[grade], (remarks or "").strip()) for a, m, name, grade, remarks in rows]


def voting_findings(appraisal: Appraisal) -> list[Finding]:
    """Below-quorum flag of a closed vote (OL-4.1.a, parameter `appraisal_quorum_ratio`)."""
    if not appraisal.is_closed or appraisal.quorum_met:
        return []
    needed = quorum_needed(appraisal.eligible_voters, appraisal.quorum_ratio)
    return [
        Finding(
            rule_id="appraisal.quorum",
            severity="warning",
            clause_ids=("OL-4.1.a",),
            message=f"民主测评收回{appraisal.ballots_cast}张票，有表决权的党员{appraisal.eligible_voters}名，未达到规定的有效参与人数（{needed}名）。",
            hint="测评结果仅供参考；请说明原因，必要时组织补充测评，并在评定时审慎使用。",
            proposal=True,
            label="提议，非本地制度原文",
        )
    ]


def rating_findings(appraisal: Appraisal, ratings=None) -> list[Finding]:
    """优秀 above the ceiling (a warning, never a quota) and 不合格 waiting for approval."""
    if ratings is None:
        ratings = list(Rating.objects.filter(appraisee__appraisal=appraisal))
    appraised = Appraisee.objects.filter(appraisal=appraisal).count()
    findings = []
    excellent = sum(1 for r in ratings if r.grade == Grade.EXCELLENT)
    ceiling = excellent_ceiling(appraised, appraisal.excellent_max_ratio)
    if ceiling is not None and excellent > ceiling:
        findings.append(
            Finding(
                rule_id="appraisal.excellent_ratio",
                severity="warning",
                clause_ids=("OL-4.1.a",),
                message=f"评定为“优秀”的有{excellent}名，超过参评党员（{appraised}名）的三分之一（最多{ceiling}名）。",
                hint="“优秀”比例是上限而不是指标；请支委会（党员大会）复核后再确定。",
                proposal=True,
                label="提议，非本地制度原文",
            )
        )
    pending = [r for r in ratings if r.grade == Grade.UNQUALIFIED and r.status != RatingStatus.FINAL]
    if pending:
        findings.append(
            Finding(
                rule_id="appraisal.unqualified_pending",
                severity="info",
                clause_ids=("OL-1.2.b",),
                message=f"有{len(pending)}名党员拟评定为“不合格”，须记录支部决议并经上级党组织批准后才能确定。",
                hint="在该党员的评定中填写决议并报上级审批。",
            )
        )
    return findings


def result_sheet(appraisal: Appraisal, rows: list[Row]) -> bytes:
    """The .xlsx result sheet: per-member tallies and ratings, through the one Excel writer
    (text typed as text, A4 print set-up, header repeated on every page)."""
    from documents.excel import NUMBER, Column, rows_to_xlsx

    caption = f"{appraisal.meeting.title} 民主评议党员测评结果（有表决权党员{appraisal.eligible_voters}名，收回测评票{appraisal.ballots_cast}张" + (
        "）" if appraisal.quorum_met else "，未达到有效参与比例）"
    )
    columns = [
        Column("序号", 6, NUMBER),
        Column("姓名", 14),
        Column("预备党员", 9),
        *[Column(label, 8, NUMBER) for _, label in Grade.choices],
        Column("合计", 8, NUMBER),
        Column("组织评定", 12),
        Column("评定状态", 12),
    ]
    lines = [
        [
            i,
            row.appraisee.name,
            "是" if row.appraisee.is_probationary else "",
            *[row.count(g) for g in GRADE_ORDER],
            row.total,
            row.rating.get_grade_display() if row.rating else "",
            row.rating.get_status_display() if row.rating else "未评定",
        ]
        for i, row in enumerate(rows, start=1)
    ]
    return rows_to_xlsx("民主评议结果", columns, lines, caption=caption)
