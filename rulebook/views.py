"""The rules pages: every rulebook's parameters, rules and clauses side by side with the
source text (login only — the rules are the same for everybody)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.grants import load_grants
from accounts.permissions import has_perm_anywhere
from accounts.scoping import get_visible_or_404
from core.errors import DomainError
from core.views import view_permission
from organizations.models import Organization

from . import catalogue, engine, samples, services, timeline
from .constants import KIND_LABELS, PROPOSAL_LABEL, ROLE_LABELS, SEVERITY_LABELS, STAGE_LABELS, STEP_LABELS
from .models import RulebookChoice


def _own_organizations(user):
    """The organizations the user acts for (their grants), highest first."""
    ids = dict.fromkeys(g.organization_id for g in sorted(load_grants(user), key=lambda g: g.path))
    return list(Organization.objects.filter(pk__in=ids).order_by("path"))


@view_permission(None)
def index(request):
    books = []
    for slug, versions in engine.available():
        rb = engine.load(slug)
        books.append({"rb": rb, "versions": versions, "rules": len(rb.rules), "proposals": sum(r.proposal for r in rb.rules)})
    orgs = _own_organizations(request.user)
    applying = [(org, engine.current_for(org)) for org in orgs[:5]]
    can_choose = has_perm_anywhere(request.user, "rulebook.choose")
    choices = RulebookChoice.objects.visible_to(request.user).select_related("organization", "chosen_by").order_by("organization__path")[:100]
    context = {
        "books": books,
        "applying": applying,
        "choices": choices,
        "can_choose": can_choose,
        "choosable": orgs if can_choose else [],
        "default_slug": engine.DEFAULT_SLUG,
    }
    return render(request, "rulebook/index.html", context)


def _clause_rows(rb, kind):
    """Each clause of `kind` with the rules and human-judgement entries of this rulebook."""
    rules_by_clause, judged = {}, {}
    for r in rb.rules:
        for cid in r.clause_ids:
            rules_by_clause.setdefault(cid, []).append(r)
    for hj in rb.human_judgements:
        judged.setdefault(hj.clause_id, []).append(hj)
    rows = []
    for clause in catalogue.clauses().values():
        if clause.meeting_kind != kind:
            continue
        rules, judgements = rules_by_clause.get(clause.id, []), judged.get(clause.id, [])
        # Proposals have no source text: show the Chinese wording the rulebook uses for them.
        proposal_text = next((j.guidance for j in judgements if j.guidance), "") or (rules[0].hint if rules else "")
        rows.append({"clause": clause, "rules": rules, "judgements": judgements, "proposal_text": proposal_text})
    return rows


def _show_value(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        return f"{value['start']} 至 {value['end']}"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _parameter_rows(rb, kind):
    """Parameters of this meeting kind first (ol_… / dl_…), then the shared ones."""
    own = "ol_" if kind == "org_life" else "dl_"
    other = "dl_" if kind == "org_life" else "ol_"
    rows = [{"p": p, "value": _show_value(p.value)} for p in rb.parameters.values() if not p.name.startswith(other)]
    return sorted(rows, key=lambda r: (not r["p"].name.startswith(own), r["p"].name))


@view_permission(None)
def detail(request, slug, version=None):
    try:
        rb = engine.load(slug, version)
    except engine.RulebookError:
        raise Http404("没有该规则库或版本") from None
    kind = request.GET.get("kind", "org_life")
    if kind not in KIND_LABELS:
        kind = "org_life"
    rules = [{"r": r, "message": engine.describe(r.message, rb), "hint": engine.describe(r.hint, rb)} for r in rb.rules_for(kind)]
    example = samples.org_life() if kind == "org_life" else samples.democratic_life()
    context = {
        "example_day": example.meeting_date,
        "example": [o for o in timeline.timeline(example, rb) if o.due and not o.key.startswith("item.")],
        "rb": rb,
        "versions": engine.versions(slug),
        "kind": kind,
        "kinds": KIND_LABELS,
        "parameters": _parameter_rows(rb, kind),
        "rules": rules,
        "rows": _clause_rows(rb, kind),
        "stage_labels": STAGE_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "role_labels": ROLE_LABELS,
        "step_labels": STEP_LABELS,
        "proposal_label": PROPOSAL_LABEL,
        "counts": {s: sum(x["r"].severity == s for x in rules) for s in ("blocker", "warning", "info")},
    }
    return render(request, "rulebook/detail.html", context)


@view_permission("rulebook.choose")
@require_POST
def choose(request, pk):
    """Make a rulebook the one of an organization's subtree (new meetings pin it)."""
    org = get_visible_or_404(Organization.objects, request.user, pk=pk)
    slug = request.POST.get("slug", "")
    try:
        services.choose_rulebook(org, slug, actor=request.user, note=request.POST.get("note", "")[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{org.name}及其下级组织此后新建的会议将采用“{engine.load(slug).title}”。")
    return redirect("rulebook:index")
