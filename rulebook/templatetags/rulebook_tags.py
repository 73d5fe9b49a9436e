from django import template

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
