from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from accounts.grants import load_grants, member_of

    grants = load_grants(user)
    return {
        "nav_items": items_for(user),
        "current_member": member_of(user),
        "role_labels": sorted({g.role for g in grants}),
    }
