import html
from collections.abc import Mapping

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from rulebook.constants import ROLE_LABELS, SEVERITY_LABELS, STAGE_LABELS

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ labels|get_item:key }}` for the Chinese labels of stages, severities and roles."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def severity_label(value):
    return SEVERITY_LABELS.get(value, value)


@register.filter
def stage_label(value):
    return STAGE_LABELS.get(value, value)


@register.filter
def role_label(value):
    return ROLE_LABELS.get(value, value)


def _e(value) -> str:
    """Django's `escape` (the same `html.escape` underneath) without its lazy-string wrapper, which
    costs more than the escaping: the findings below call it a dozen times each."""
    return html.escape(str(value))


def _clause_links(clause_ids, rules_url: str) -> str:
    """The clauses a finding cites, each linked to its entry on the rulebook page when there is one."""
    if not rules_url:
        return "".join(f" {_e(c)}" for c in clause_ids)
    return "".join(f' <a href="{_e(rules_url)}?kind={"org_life" if c.startswith("OL") else "democratic_life"}#clause-{_e(c)}">{_e(c)}</a>' for c in clause_ids)


def _field(finding, name, default=None):
    if isinstance(finding, Mapping):
        return finding.get(name, default)
    return getattr(finding, name, default)


@register.simple_tag
def findings_html(findings, rulebook=None):
    """The findings of a rule check as HTML: severity, waiver, proposal badge, message, what to
    do, whom it concerns, cited clauses and the stage it gates. Written in Python (every value
    escaped) because the meeting page lists dozens of findings and as a template each one cost
    ~20 nodes: two thirds of the page's rendering time."""
    rules_url = reverse("rulebook:detail", args=[rulebook.slug, rulebook.version]) if rulebook else ""
    out = []
    for f in findings:
        severity, overridden = _field(f, "severity"), _field(f, "overridden")
        names, gates, hint = _field(f, "names"), _field(f, "gates"), _field(f, "hint")
        role = "alert" if severity == "blocker" and not overridden else "note"
        out.append(f'<div class="finding finding-{_e(severity)}" data-rule="{_e(_field(f, "rule_id"))}" role="{role}">\n')
        out.append(f"  <strong>{_e(severity_label(severity))}</strong>\n  ")
        if overridden:
            out.append('<span class="badge badge-grey">已豁免</span>')
        if _field(f, "proposal"):
            out.append(f'<span class="badge badge-amber">{_e(_field(f, "label"))}</span>')
        out.append(f"\n  {_e(_field(f, 'message'))}\n  ")
        if hint:
            out.append(f"<br><small>怎么办：{_e(hint)}</small>")
        if names:
            out.append(f"<br><small>涉及：{_e('、'.join(names))}</small>")
        elif _field(f, "withheld"):
            out.append("<br><small>涉及人员保密，仅支部书记和上级党组织可见。</small>")
        gated = f" · 影响进入“{_e(stage_label(gates))}”" if gates else ""
        out.append(f'\n  <div class="clause">依据{_clause_links(_field(f, "clause_ids", ()), rules_url)}{gated}</div>\n</div>\n')
    if not out:
        return mark_safe('<p class="empty">没有需要处理的问题。</p>')
    return mark_safe("".join(out))
