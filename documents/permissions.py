"""Document permissions (this app's rows of the project's one permission map)."""

from accounts.choices import Role
from accounts.permissions import OWN, SUBTREE, register

_KEEPERS = {Role.SECRETARY: OWN, Role.COMMITTEE_MEMBER: OWN, Role.MAIN_LEADER: OWN, Role.LEADER: OWN}
_SUPERIORS = {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}

register(
    {
        # The papers of a meeting hold minutes, talk records and personal opinions: the branch
        # committee (or the team) that keeps them, and the superiors who check them.
        "document.view": ("下载会议文书", {**_KEEPERS, **_SUPERIORS}),
        # Everyone writes their own material (OL-2.5, DL-3.3.b): their own draft, with the
        # opinions addressed to them (OL-2.3.e: personal opinions go to the person).
        "document.own": (
            "下载本人对照检查材料草稿",
            {Role.MEMBER: OWN, Role.COMMITTEE_MEMBER: OWN, Role.SECRETARY: OWN, Role.LEADER: OWN, Role.MAIN_LEADER: OWN},
        ),
        # The district's own templates (issue 9): the operator of the district or a lower level.
        "document.template": ("管理文书模板", {Role.OPERATOR: SUBTREE}),
        # A superior's batch ZIP of its subtree's reports.
        "document.batch": ("批量打包下级会议材料", {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}),
    }
)
