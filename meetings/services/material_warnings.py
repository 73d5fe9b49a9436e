"""Warnings on a self-examination material, computed by pure functions over plain data (no
ORM): shown on the edit and review pages and summarized in the rule-check snapshot.

They are warnings, never refusals, and **never about length** (OL-2.5.h: 不以字数多少定优劣).

The three DL-3.3.b heuristics are deliberately simple so that anyone can see why one fired:

- 只谈工作不谈思想: the 思想方面 section is empty *and* the text names no ideological matter
  (none of THOUGHT_WORDS), or names work matters (WORK_WORDS) at least three times as often.
- 只讲成绩不讲问题: no problem is listed, or achievement words (ACHIEVEMENT_WORDS) occur at
  least twice as often as problem words (PROBLEM_WORDS) in the whole text.
- 只讲集体不讲个人: the 个人责任 section is empty *and* the text speaks of the collective
  (我们、班子、集体…) at least three times as often as of oneself (我/本人/自己/个人), or never of oneself.

Each warning shows the counts it used, so a writer sees what the heuristic saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..similarity import Match

TEAM = "team"

THOUGHT_WORDS = ("思想", "理论", "党性", "宗旨", "信念", "初心", "使命", "政治", "世界观", "人生观", "价值观", "意识", "认识", "觉悟", "作风", "修养")
WORK_WORDS = ("工作", "业务", "任务", "项目", "指标", "推进", "落实", "开展", "完成")
ACHIEVEMENT_WORDS = ("成绩", "成效", "成果", "取得", "圆满", "显著", "突破", "荣获", "表彰", "亮点", "提升", "增长")
PROBLEM_WORDS = ("问题", "不足", "差距", "短板", "欠缺", "不够", "不到位", "薄弱", "缺乏", "有待", "不强", "不深", "不实")
SELF_PATTERN = re.compile(r"我(?!们)|本人|自己|个人")
COLLECTIVE_PATTERN = re.compile(r"我们|班子|集体|大家|单位|支部|领导层")


@dataclass(frozen=True)
class MaterialData:
    """What the warnings look at: one material's sections as plain text."""

    key: str  # TEAM or a person key "m<id>"
    meeting_kind: str  # org_life | democratic_life
    doc_kind: str = "check"
    problems: str = ""
    causes: str = ""
    measures: str = ""
    thought: str = ""
    personal: str = ""
    last_rectification: str = ""
    items: tuple[dict, ...] = ()  # [{problem, cause, measure, opinion_ids}]
    has_upload: bool = False
    addressed_opinions: tuple[int, ...] = ()  # opinions addressed to this author (or the team)
    answered_opinions: frozenset[int] = frozenset()  # ticked as answered in the material
    structured_required: bool = False  # OL-2.5.d (community)

    @property
    def is_personal(self) -> bool:
        return self.key != TEAM

    @property
    def real_items(self) -> list[dict]:
        return [i for i in self.items if (i.get("problem") or "").strip()]

    def body(self) -> str:
        """The text compared for similarity: what the writer wrote (not the carried-over part)."""
        parts = [self.problems, self.causes, self.measures, self.thought, self.personal]
        for item in self.items:
            parts += [item.get("problem", ""), item.get("cause", ""), item.get("measure", "")]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    clause_ids: tuple[str, ...]
    hint: str = ""
    details: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    severity: str = "warning"
    proposal: bool = False


@dataclass
class Assessment:
    """Everything computed for one material (the page and the snapshot both read it)."""

    warnings: list[Warning] = field(default_factory=list)
    has_problems: bool = False
    has_causes: bool = False
    has_measures: bool = False
    has_structured_items: bool = False
    items_missing_cause_or_measure: int = 0
    unanswered: tuple[int, ...] = ()
    linked_opinions: int = 0
    only_work: bool = False
    only_achievements: bool = False
    only_collective: bool = False

    def codes(self) -> set[str]:
        return {w.code for w in self.warnings}


def _filled(text: str) -> bool:
    return bool((text or "").strip())


def _count(text: str, words: tuple[str, ...]) -> int:
    return sum(text.count(w) for w in words)


def answered_ids(data: MaterialData) -> frozenset[int]:
    """Opinions ticked as answered, or linked from an item that states a measure."""
    linked = {int(i) for item in data.items if _filled(item.get("measure", "")) for i in item.get("opinion_ids", ()) or ()}
    return frozenset(data.answered_opinions) | frozenset(linked)


def assess(data: MaterialData) -> Assessment:
    """The structural warnings (OL-2.5.d/f/g, DL-3.3.a/b) of one material."""
    a = Assessment()
    items = data.real_items
    a.has_problems = _filled(data.problems) or bool(items)
    a.has_causes = _filled(data.causes) or any(_filled(i.get("cause", "")) for i in items)
    a.has_measures = _filled(data.measures) or any(_filled(i.get("measure", "")) for i in items)
    incomplete = [i for i in items if not _filled(i.get("cause", "")) or not _filled(i.get("measure", ""))]
    a.items_missing_cause_or_measure = len(incomplete)
    a.has_structured_items = bool(items) and not any(not _filled(i.get("measure", "")) for i in items)
    answered = answered_ids(data)
    a.unanswered = tuple(i for i in data.addressed_opinions if i not in answered)
    a.linked_opinions = len(answered)
    clause = ("OL-2.5.g",) if data.meeting_kind == "org_life" else ("DL-3.3.b", "P-DL-2.7.c")

    if not a.has_problems and not data.has_upload:
        a.warnings.append(Warning("no_problems", "材料还没有列出问题。", clause, "对照党章党规查摆具体问题，逐条写明（可以用条目式问题清单）。"))
    if incomplete:
        a.warnings.append(
            Warning(
                "item_incomplete",
                f"有{len(incomplete)}个问题还没有写原因剖析或整改措施。",
                clause,
                "每个问题都要剖析原因（深挖思想根源）并提出有针对性的整改措施。",
                tuple((i.get("problem") or "")[:60] for i in incomplete),
            )
        )
    elif not items and _filled(data.problems) and not data.has_upload:
        missing = [name for name, text in (("原因剖析", data.causes), ("整改措施", data.measures)) if not _filled(text)]
        if missing:
            a.warnings.append(Warning("item_incomplete", f"列出了问题，但还没有写{'和'.join(missing)}。", clause, "每个问题都要剖析原因并提出整改措施。"))
    if data.structured_required and not a.has_structured_items:
        a.warnings.append(
            Warning(
                "not_itemized",
                "社区党组织的材料要条目式列出问题清单和整改措施（每个问题一条，对应整改措施）。",
                ("OL-2.5.d",),
                "在“条目式问题清单”中逐条填写问题和对应措施；只写整段文字或只上传文件不符合要求。",
            )
        )
    if a.unanswered:
        a.warnings.append(
            Warning(
                "opinion_unanswered",
                f"有{len(a.unanswered)}条提给{'本人' if data.is_personal else '班子'}的意见还没有在材料中回应。",
                ("OL-2.5.f", "DL-3.3.a") if data.meeting_kind == "democratic_life" else ("OL-2.5.f", "OL-2.3"),
                "把意见列为问题并写明整改措施，或勾选“已在材料中回应”。",
                tuple(str(i) for i in a.unanswered),
            )
        )
    if data.meeting_kind == "democratic_life" and data.is_personal and not data.has_upload:
        a.warnings.extend(_dl_three(data, a))
    return a


def _dl_three(data: MaterialData, a: Assessment) -> list[Warning]:
    """DL-3.3.b: 只谈工作不谈思想、只讲成绩不讲问题、只讲集体不讲个人 (heuristics in the module docstring)."""
    text = data.body()
    found = []
    thought, work = _count(text, THOUGHT_WORDS), _count(text, WORK_WORDS)
    if not _filled(data.thought) and (thought == 0 or work >= 3 * thought):
        a.only_work = True
        found.append(
            Warning(
                "only_work",
                "只谈工作不谈思想：“思想方面”一栏为空，正文主要谈工作。",
                ("DL-3.3.b",),
                "从理想信念、党性修养、宗旨意识等方面查找思想根源。",
                (f"谈思想的词出现{thought}次，谈工作的词出现{work}次。",),
            )
        )
    achieve, problem = _count(text, ACHIEVEMENT_WORDS), _count(text, PROBLEM_WORDS)
    if not a.has_problems or (achieve > 0 and achieve >= 2 * problem):
        a.only_achievements = True
        found.append(
            Warning(
                "only_achievements",
                "只讲成绩不讲问题：材料没有列出问题，或讲成绩的内容明显多于讲问题。",
                ("DL-3.3.b",),
                "少讲成绩，多查问题和不足，逐条写明。",
                (f"讲成绩的词出现{achieve}次，讲问题的词出现{problem}次。",),
            )
        )
    own, collective = len(SELF_PATTERN.findall(text)), len(COLLECTIVE_PATTERN.findall(text))
    if not _filled(data.personal) and (own == 0 or collective >= 3 * own):
        a.only_collective = True
        found.append(
            Warning(
                "only_collective",
                "只讲集体不讲个人：“个人责任”一栏为空，正文主要讲班子和集体。",
                ("DL-3.3.b",),
                "写明本人在这些问题上的责任，从自身找原因。",
                (f"讲本人的说法出现{own}次，讲集体的说法出现{collective}次。",),
            )
        )
    return found


def similarity_warning(matches: list[Match], *, last_year: bool) -> Warning | None:
    if not matches:
        return None
    top = matches[0]
    if last_year:
        message = f"与上一年度本人的材料相似度{top.percent}%。"
        hint = "结合今年的意见和问题重新对照检查，不要照搬往年材料。"
        code = "similar_last_year"
    else:
        message = f"与本次会议其他同志的材料相似度{top.percent}%。"
        hint = "对照检查材料应结合本人实际撰写，不得雷同。"
        code = "similar_other"
    return Warning(code, message, ("OL-2.5.g", "P-DL-2.7.b"), hint, matches=tuple(matches))
