from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ labels|get_item:key }}` for the Chinese labels of stages, severities and roles."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
