"""The catalogue of documents: what each is called, which meetings it belongs to, where its
data comes from and how it is written. `generate(...)` is the one entry point (views, the
package, the batch task and the benchmark all call it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import data, excel, word

DOCX = "docx"
XLSX = "xlsx"
BOTH = frozenset({"org_life", "democratic_life"})
OL = frozenset({"org_life"})
DL = frozenset({"democratic_life"})
MIME = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    fmt: str
    context: Callable  # (meeting[, member]) -> dict
    build: Callable  # (ctx) -> bytes  (xlsx builders may take (ctx, meeting))
    meetings: frozenset = BOTH
    per_person: bool = False
    in_package: bool = False
    group: str = ""
    required: tuple[str, ...] = field(default=("title", "organization"))
    available: Callable | None = None  # (meeting) -> bool; None = always
    perm: str = ""  # a further permission the reader needs (e.g. the appraisal's tallies)

    @property
    def templatable(self) -> bool:
        return self.fmt == DOCX


def _xlsx_ledger(ctx, meeting):
    return excel.ledger(meeting)


def _xlsx_talks(ctx, meeting):
    return excel.talk_coverage(ctx)


def _xlsx_appraisal(ctx, meeting):
    return excel.appraisal_results(meeting)


def _appraisal_closed(meeting) -> bool:
    from appraisal.models import Appraisal

    return Appraisal.objects.filter(meeting=meeting, voting_status="closed").exists()


def _xlsx_study(ctx, meeting):
    return excel.study_ledger(ctx, excel.study_attendance_rows(meeting))


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind("work_plan", "组织生活会工作方案", DOCX, data.plan, word.plan, OL, group="方案与通知", required=("title", "organization", "theme", "date")),
        Kind("dl_plan", "民主生活会方案", DOCX, data.plan, word.plan, DL, group="方案与通知", required=("title", "organization", "theme", "date")),
        Kind(
            "filing_cover",
            "民主生活会方案报备表（含方案）",
            DOCX,
            data.filing_cover,
            word.filing_cover,
            DL,
            group="方案与通知",
            required=("title", "organization", "date"),
        ),
        Kind("notice", "会议通知/公告", DOCX, data.notice, word.notice, group="方案与通知", required=("title", "organization", "meeting_time")),
        Kind("study", "学习安排和必读篇目", DOCX, data.study, word.study, group="会前准备", required=("title", "readings")),
        Kind("opinion_form", "征求意见表（空白）", DOCX, data.opinion_form, word.opinion_form, group="会前准备", required=("title",)),
        Kind(
            "opinion_summary",
            "征求意见汇总",
            DOCX,
            data.opinion_summary,
            word.opinion_summary,
            in_package=True,
            group="会前准备",
            required=("title", "team", "personal"),
        ),
        Kind(
            "opinion_feedback",
            "征求意见反馈单（个人）",
            DOCX,
            data.opinion_feedback,
            word.opinion_feedback,
            per_person=True,
            group="会前准备",
            required=("title", "person", "opinions"),
        ),
        Kind("talk_schedule", "谈心谈话安排表", DOCX, data.talks, word.talk_schedule, group="会前准备", required=("title", "talks")),
        Kind("talk_records", "谈心谈话记录", DOCX, data.talks, word.talk_records, group="会前准备", required=("records_title", "talks")),
        Kind("self_exam_team", "对照检查材料（班子/支委会，草稿）", DOCX, data.self_exam, word.self_exam, group="对照检查", required=("title", "opinions")),
        Kind(
            "self_exam",
            "对照检查材料/发言提纲（个人，草稿）",
            DOCX,
            data.self_exam,
            word.self_exam,
            per_person=True,
            group="对照检查",
            required=("title", "opinions"),
        ),
        Kind("ballot", "民主测评表（空白）", DOCX, data.ballot, word.ballot, group="会议", required=("title", "people")),
        Kind(
            "self_assessment_blank",
            "党员自评表（空白）",
            DOCX,
            data.self_assessment_blank,
            word.self_assessment,
            OL,
            group="民主评议",
            required=("title", "standards"),
            available=data.appraisal_year_end,
        ),
        Kind(
            "self_assessment",
            "党员自评表",
            DOCX,
            data.self_assessment,
            word.self_assessment,
            OL,
            per_person=True,
            group="民主评议",
            required=("title", "member", "standards"),
            available=data.appraisal_year_end,
            perm="appraisal.results",  # it prints the 党支部评定 (the member's grade)
        ),
        Kind("minutes", "会议记录", DOCX, data.minutes, word.minutes, in_package=True, group="会议", required=("title", "sittings")),
        Kind(
            "situation_report",
            "会议情况报告",
            DOCX,
            data.situation_report,
            word.situation_report,
            in_package=True,
            group="会后",
            required=("title", "sections"),
        ),
        Kind(
            "problem_list",
            "问题清单和整改措施（公示版）",
            DOCX,
            data.problem_list,
            word.problem_list,
            in_package=True,
            group="会后",
            required=("title", "items"),
        ),
        Kind(
            "problem_list_full",
            "问题清单和整改措施（完整版，含不公示事项）",
            DOCX,
            data.problem_list_full,
            word.problem_list,
            group="会后",
            required=("title", "items"),
        ),
        Kind(
            "submission_list",
            "报送材料清单",
            DOCX,
            data.submission_list,
            word.submission_list,
            in_package=True,
            group="会后",
            required=("title", "items"),
        ),
        Kind("circular", "通报", DOCX, data.circular, word.circular, in_package=True, group="会后", required=("title", "paragraphs")),
        Kind("ledger", "整改台账", XLSX, data.base, _xlsx_ledger, in_package=True, group="台账"),
        Kind("talk_coverage", "谈心谈话覆盖表", XLSX, data.talks, _xlsx_talks, group="台账"),
        Kind("study_ledger", "学习台账", XLSX, data.study, _xlsx_study, group="台账"),
        Kind("appraisal_results", "民主测评结果", XLSX, data.base, _xlsx_appraisal, OL, group="台账", available=_appraisal_closed, perm="appraisal.results"),
    ]
}


def for_meeting(meeting) -> list[Kind]:
    return [k for k in KINDS.values() if meeting.kind in k.meetings and (k.available is None or k.available(meeting))]


def safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", text).strip(" .")[:120] or "文书"


def filename(kind: Kind, ctx: dict) -> str:
    title = ctx.get("title") if kind.fmt == DOCX and kind.key != "talk_records" else None
    if kind.key == "talk_records":
        title = ctx.get("records_title")
    if not title:
        title = f"{ctx['organization']}{ctx['year']}年度{ctx['kind']}{kind.label}"
    if kind.per_person and ctx.get("person") and ctx["person"] not in title:
        title = f"{title}（{ctx['person']}）"
    return safe_name(title) + "." + kind.fmt


def context(kind: Kind, meeting, member=None) -> dict:
    if kind.per_person:
        return kind.context(meeting, member)
    return kind.context(meeting)


def generate(key: str, meeting, member=None, *, template=True) -> tuple[str, bytes]:
    """(file name, bytes) of one document of a meeting; the district's template when it has one."""
    from . import templates

    kind = KINDS[key]
    if meeting.kind not in kind.meetings or (kind.available is not None and not kind.available(meeting)):
        raise KeyError(key)
    ctx = context(kind, meeting, member)
    if kind.fmt == XLSX:
        return filename(kind, ctx), kind.build(ctx, meeting)
    custom = templates.active_for(meeting.organization, key) if template else None
    body = templates.render(custom.content, ctx) if custom is not None else kind.build(ctx)
    return filename(kind, ctx), body


def package(meeting) -> list[tuple[str, bytes]]:
    """The report package (OL-4.2.a, DL-4.2.b): the 报送材料清单 first, then the report, minutes,
    opinion summary, the problem list, the ledger, and the circular for a 民主生活会."""
    out = []
    for kind in sorted(for_meeting(meeting), key=lambda k: k.key != "submission_list"):  # the checklist first
        if not kind.in_package or (kind.key == "circular" and not meeting.is_democratic_life):
            continue
        out.append(generate(kind.key, meeting))
    return out
