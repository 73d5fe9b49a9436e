from django import template
from django.utils.html import format_html_join

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


@register.simple_tag
def clause_links(clause_ids, rules_url=""):
    """The clauses a finding cites, each linked to its entry on the rulebook page when there is
    one (`rules_url`). One call per finding: the page lists dozens of findings."""
    if not rules_url:
        return format_html_join("", " {}", ((c,) for c in clause_ids))
    return format_html_join(
        "", ' <a href="{}?kind={}#clause-{}">{}</a>', ((rules_url, "org_life" if c.startswith("OL") else "democratic_life", c, c) for c in clause_ids)
    )
