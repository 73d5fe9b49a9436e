"""Into rectification (OL-4.1.a/b): every problem raised by the opinions, the criticism and the
superior's 点评 becomes a `rectification.models.Problem` with its source kept and a first
classification (the organization's, or a named person's). Regeneration is idempotent: a source
that already produced a problem is skipped, so a reviewer's classification is never undone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from audit.services import record
from core import hooks
from core.errors import DomainError
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem

from ..choices import CriticismKind, Stage
from ..models import Commentary, Criticism
from .opinions import SUPERIOR_GIVER
from .prep_common import acting_for, active_opinions, lock, require_org_life, require_stage

GENERATE_STAGES = (Stage.HELD, Stage.RECTIFYING)


@dataclass
class Generated:
    created: int
    existing: int


def _candidates(meeting):
    """(key, Problem kwargs) for every source; keys identify a source across regenerations."""
    for o in active_opinions(meeting).select_related("target_member").order_by("pk"):
        personal = o.target_member_id is not None
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
            },
        )
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
    for source, opinion_id, criticism_id, index in Problem.objects.filter(meeting=meeting).values_list(
        "source", "opinion_id", "criticism_id", "guidance_index"
    ):
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
            raise DomainError("还没有可转为问题的意见、批评或点评。")
        Problem.objects.bulk_create(rows)
        record(acting, meeting.organization, meeting, "problems.generated", {"created": len(rows), "existing": existing})
        hooks.meeting_changed(meeting.pk)
    return Generated(len(rows), existing)


def problems_of(meeting):
    return (
        Problem.objects.filter(meeting=meeting)
        .select_related("owner_member", "opinion", "criticism", "criticism__speaker", "criticism__target")
        .order_by("source", "scope", "pk")
    )
