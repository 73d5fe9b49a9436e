"""Which accounts a 系统管理员 manages: those with a role or a roster seat in their subtree."""

from django.db.models import Q

from .grants import load_grants
from .models import User
from .permissions import PERMISSIONS


def users_visible_to(admin):
    roles = PERMISSIONS["account.manage"]
    q = Q(pk__in=[])
    for grant in load_grants(admin):
        if grant.role in roles:
            q |= Q(role_assignments__organization__path__startswith=grant.path) | Q(member__organization__path__startswith=grant.path)
    return User.objects.filter(pk__in=User.objects.filter(q).values("pk"))
