"""Oversight permissions: the dashboard over an organization's subtree (issue 8 item 6)."""

from accounts.choices import Role
from accounts.permissions import OWN, SUBTREE, register

register(
    {
        # The branch committee sees its own figures; superiors (reviewer, 纪委/组织部, operator) their subtree.
        "oversight.view": (
            "查看督导看板",
            {
                Role.SECRETARY: OWN,
                Role.COMMITTEE_MEMBER: OWN,
                Role.MAIN_LEADER: OWN,
                Role.REVIEWER: SUBTREE,
                Role.INSPECTOR: SUBTREE,
                Role.OPERATOR: SUBTREE,
            },
        ),
    }
)
