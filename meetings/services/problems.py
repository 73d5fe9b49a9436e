"""Into rectification (OL-4.1.a/b): every problem raised by the opinions, the criticism, the
self-examination materials, the 民主测评 and the superior's 点评 becomes a
`rectification.models.Problem` with its source kept and a first classification (the
organization's, or a named person's). Regeneration is idempotent: a source that already produced
a problem is skipped, so a reviewer's classification is never undone.

Sources and their keys (a key identifies a source across regenerations):

- an opinion (its FK), a criticism statement (its FK), a 点评 guidance point (its index);
- a row of a submitted or approved 对照检查材料 / 发言提纲 (OL-2.5.d/g): a 条目式 item, or one
  numbered entry of the free-text 问题查摆 (the whole text when it is not numbered); the row's
  原因剖析 and 整改措施 are kept to prefill the rectification item. A personal material gives the
  author's problems, the team's material the organization's. A row that answers an opinion
  (linked with `opinion_ids`) is that opinion's problem: it adds its cause and measure to it
  instead of appearing twice. Key `source_ref = "se<material>:<row>"`;
- the 民主测评 (year-end, OL-1.2.b): a member whose final organizational rating is 基本合格 or
  不合格 (`appraisal.results.rated_below_qualified`, which reads ratings only, never ballots or
  counts: docs/anonymity.md). Key `source_ref = "appraisee<id>"`. The appraisal records no
  satisfaction with the branch team, so it gives no organization problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q

from audit.services import record
from core import hooks
from core.errors import DomainError
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem

from ..choices import CriticismKind, DocStatus, Stage
from ..models import Commentary, Criticism, SelfExamination
from .opinions import SUPERIOR_GIVER
from .prep_common import acting_for, active_opinions, lock, require_org_life, require_stage

GENERATE_STAGES = (Stage.HELD, Stage.RECTIFYING)


@dataclass
class Generated:
    created: int
    existing: int


# A line that starts a numbered entry: 1. 1、 (1) （一） 一、 第一， 一是 …
_NUMBERED = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9]{1,2}\s*[.、．)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}[，,、:：]?|[一二三四五六七八九十]{1,3}是)\s*"
)
# Materials that are the writer's statement: submitted or approved (a draft or a returned one is not).
STATED = (DocStatus.SUBMITTED, DocStatus.APPROVED)


def split_entries(text: str) -> list[str]:
    """The numbered entries of a free-text section, markers removed; the whole text when fewer
    than two lines are numbered (a plain paragraph is one problem)."""
    text = (text or "").strip()
    if not text:
        return []
    entries: list[str] = []
    numbered = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _NUMBERED.match(line)
        if m:
            numbered += 1
            entries.append(line[m.end() :].strip())
        elif entries:
            entries[-1] = f"{entries[-1]}\n{line.strip()}"
        else:
            entries.append(line.strip())
    if numbered < 2:
        return [text]
    return [e for e in entries if e]


def material_rows(se) -> list[dict]:
    """The problem rows of one material: its 条目式 items, or else the numbered entries of
    问题查摆 with the matching entries of 原因剖析 / 整改措施 (the whole section when the counts
    differ)."""
    items = [i for i in (se.structured_items or ()) if (i.get("problem") or "").strip()]
    if items:
        return [
            {
                "problem": i["problem"].strip(),
                "cause": (i.get("cause") or "").strip(),
                "measure": (i.get("measure") or "").strip(),
                "opinion_ids": [int(x) for x in i.get("opinion_ids") or () if str(x).isdigit()],
            }
            for i in items
        ]
    problems = split_entries(se.problems)
    causes, measures = split_entries(se.causes), split_entries(se.measures)

    def nth(parts, whole, n):
        return parts[n] if len(parts) == len(problems) else (whole or "").strip()

    return [{"problem": p, "cause": nth(causes, se.causes, n), "measure": nth(measures, se.measures, n), "opinion_ids": []} for n, p in enumerate(problems)]


def _material_candidates(meeting, opinion_ids: set[int], answers: dict[int, dict]):
    """Rows of the stated materials; rows answering an opinion are put in `answers` instead."""
    materials = SelfExamination.objects.filter(meeting=meeting, status__in=STATED).select_related("member").order_by(F("member_id").asc(nulls_first=True), "pk")
    for se in materials:
        personal = se.member_id is not None
        for n, row in enumerate(material_rows(se)):
            linked = [i for i in row["opinion_ids"] if i in opinion_ids]
            if linked:
                for i in linked:
                    answers.setdefault(i, row)
                continue
            yield (
                ("ref", f"se{se.pk}:{n}"),
                {
                    "source": ProblemSource.SELF_EXAMINATION,
                    "self_examination": se,
                    "source_ref": f"se{se.pk}:{n}",
                    "scope": ProblemScope.PERSONAL if personal else ProblemScope.ORGANIZATION,
                    "owner_member": se.member if personal else None,
                    "description": row["problem"],
                    "cause": row["cause"],
                    "proposed_measure": row["measure"],
                },
            )


def _appraisal_candidates(meeting):
    """Members rated 基本合格 / 不合格 by the organization (final ratings only, no ballot data)."""
    from appraisal.models import Appraisal
    from appraisal.results import rated_below_qualified

    appraisal = Appraisal.objects.filter(meeting=meeting).first()
    if appraisal is None or not appraisal.is_closed:
        return
    for r in rated_below_qualified(appraisal):
        text = f"民主评议党员中被组织评定为“{r.grade_label}”" + (f"：{r.remarks}" if r.remarks else "。")
        yield (
            ("ref", f"appraisee{r.appraisee_id}"),
            {
                "source": ProblemSource.APPRAISAL,
                "source_ref": f"appraisee{r.appraisee_id}",
                "scope": ProblemScope.PERSONAL,
                "owner_member_id": r.member_id,
                "description": text,
            },
        )


def _candidates(meeting):
    """(key, Problem kwargs) for every source; keys identify a source across regenerations."""
    opinions = list(active_opinions(meeting).select_related("target_member").order_by("pk"))
    answers: dict[int, dict] = {}
    materials = list(_material_candidates(meeting, {o.pk for o in opinions}, answers))
    for o in opinions:
        personal = o.target_member_id is not None
        answer = answers.get(o.pk, {})
        yield (
            ("opinion", o.pk),
            {
                "source": ProblemSource.OPINION,
                "opinion": o,
                "scope": ProblemScope.PERSONAL if personal else ProblemScope.ORGANIZATION,
                "owner_member": o.target_member if personal else None,
                "description": o.content,
                "category": o.category,
                "strong_public_concern": o.strong_public_concern,
                "raised_by_superior": o.giver_kind == SUPERIOR_GIVER,
                "cause": answer.get("cause", ""),
                "proposed_measure": answer.get("measure", ""),
            },
        )
    yield from materials
    yield from _appraisal_candidates(meeting)
    statements = (
        Criticism.objects.filter(sitting__meeting=meeting, kind__in=(CriticismKind.SELF, CriticismKind.MUTUAL))
        .select_related("speaker", "target", "sitting")
        .order_by("sitting__order", "seq")
    )
    for st in statements:
        if st.kind == CriticismKind.SELF:
            scope, owner = ProblemScope.PERSONAL, st.speaker
        elif st.target_id:
            scope, owner = ProblemScope.PERSONAL, st.target
        else:
            scope, owner = ProblemScope.ORGANIZATION, None
        text = st.content if not st.suggestion else f"{st.content}\n（改进意见：{st.suggestion}）"
        yield (("criticism", st.pk), {"source": ProblemSource.CRITICISM, "criticism": st, "scope": scope, "owner_member": owner, "description": text})
    commentary = Commentary.objects.filter(meeting=meeting).first()
    for i, point in enumerate(commentary.guidance if commentary else []):
        yield (
            ("commentary", i),
            {"source": ProblemSource.COMMENTARY, "guidance_index": i, "scope": ProblemScope.ORGANIZATION, "description": point, "raised_by_superior": True},
        )


def _existing_keys(meeting) -> set:
    keys = set()
    for source, opinion_id, criticism_id, index, ref in Problem.objects.filter(meeting=meeting).values_list(
        "source", "opinion_id", "criticism_id", "guidance_index", "source_ref"
    ):
        if ref:
            keys.add(("ref", ref))
        if opinion_id:
            keys.add(("opinion", opinion_id))
        if criticism_id:
            keys.add(("criticism", criticism_id))
        if source == ProblemSource.COMMENTARY and index is not None:
            keys.add(("commentary", index))
    return keys


def generate(meeting, *, actor) -> Generated:
    """Create the problems that do not exist yet (OL-4.1.a). Safe to run again at any time."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        require_stage(meeting, *GENERATE_STAGES, action="生成问题清单")
        have = _existing_keys(meeting)
        rows = []
        existing = 0
        for key, values in _candidates(meeting):
            if key in have:
                existing += 1
                continue
            values["description"] = (values["description"] or "").strip() or "（未写明）"
            rows.append(Problem(meeting=meeting, organization=meeting.organization, created_by=actor, **values))
        if not rows and not existing:
            raise DomainError("还没有可转为问题的意见、批评、对照检查材料、民主测评结果或点评。")
        Problem.objects.bulk_create(rows)
        record(acting, meeting.organization, meeting, "problems.generated", {"created": len(rows), "existing": existing})
        hooks.meeting_changed(meeting.pk)
    return Generated(len(rows), existing)


def problems_of(meeting, viewer=None):
    """The meeting's problems; for `viewer`, without the 民主测评 ones of other people unless the
    viewer may see the ratings (the secretary, the superior) — a member sees their own."""
    qs = (
        Problem.objects.filter(meeting=meeting)
        .select_related("owner_member", "opinion", "criticism", "criticism__speaker", "criticism__target")
        .order_by("source", "scope", "pk")
    )
    if viewer is not None and not sees_ratings(viewer, meeting):
        qs = qs.exclude(Q(source=ProblemSource.APPRAISAL) & ~Q(owner_member__user=viewer))
    return qs


def sees_ratings(user, meeting) -> bool:
    """Who may read the organizational ratings the 民主测评 problems state (appraisal.results)."""
    from accounts.permissions import has_perm

    org = meeting.organization
    return has_perm(user, "appraisal.results", org) or has_perm(user, "meeting.manage", org)
