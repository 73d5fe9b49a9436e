from accounts.choices import Role
from accounts.permissions import SUBTREE, register

register(
    {
        # The organisation department (or the operator acting for it) decides which rulebook a
        # district or a part of it uses.
        "rulebook.choose": ("选用规则库", {Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}),
    }
)
