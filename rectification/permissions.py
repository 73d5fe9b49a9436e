"""Rectification permissions (this app's rows of the project's one permission map)."""

from accounts.choices import Role
from accounts.permissions import BELOW, OWN, SUBTREE, register

_SUPERIORS = {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}
_KEEPERS = {Role.SECRETARY: OWN, Role.COMMITTEE_MEMBER: OWN, Role.MAIN_LEADER: OWN, Role.LEADER: OWN}

register(
    {
        # OL-4.3.a/b: the branch committee keeps the ledger, the superior checks it.
        "rectification.ledger": ("查看整改台账", {**_KEEPERS, **_SUPERIORS}),
        # OL-4.1.c: "党组织及其负责人要形成整改措施"; the secretary or the main leader.
        "rectification.manage": ("制定整改措施、公示整改情况", {Role.SECRETARY: OWN, Role.MAIN_LEADER: OWN}),
        # Everyone on a roster or a team may report on the items they answer for (object check in the service).
        "rectification.progress": (
            "报告本人整改进展、申请销号",
            {Role.MEMBER: OWN, Role.COMMITTEE_MEMBER: OWN, Role.SECRETARY: OWN, Role.LEADER: OWN, Role.MAIN_LEADER: OWN},
        ),
        # OL-4.3.c: only the superior confirms 销号; for a 民主生活会 the 纪委/组织部 oversee too (DL-4.4.a).
        # The service narrows 组织生活会 items to reviewers.
        "rectification.close": ("整改销号确认", {Role.REVIEWER: BELOW, Role.INSPECTOR: BELOW}),
        "report.view": ("查看上报材料和通报", {**_KEEPERS, **_SUPERIORS}),
        "report.prepare": ("编制报送上报材料、发布通报", {Role.SECRETARY: OWN, Role.MAIN_LEADER: OWN}),
        # OL-4.2.a: the superior organization; DL-4.2.a: the 纪委 and the 组织部 (the service checks the office).
        "report.receive": ("接收或退回上报材料", {Role.REVIEWER: BELOW, Role.INSPECTOR: BELOW}),
    }
)
