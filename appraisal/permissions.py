"""Appraisal permissions (this app's rows of the project's one permission map)."""

from accounts.choices import Role
from accounts.permissions import BELOW, OWN, SUBTREE, register

_ROSTER = {Role.MEMBER: OWN, Role.COMMITTEE_MEMBER: OWN, Role.SECRETARY: OWN}
_SUPERIORS = {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE}

register(
    {
        "appraisal.view": ("查看民主评议", {**_ROSTER, **_SUPERIORS, Role.OPERATOR: SUBTREE}),
        # Every member of the branch: self-assessment, peer comments, the ballot (the service checks the right).
        "appraisal.take_part": ("参加民主评议（自评、互评、测评）", _ROSTER),
        # The secretary runs it: opens and closes voting, enters paper tallies, proposes ratings.
        "appraisal.manage": ("组织民主评议、拟定评定结果", {Role.SECRETARY: OWN}),
        # Paper tallies are confirmed by a second committee member (the service refuses the enterer).
        "appraisal.confirm_paper": ("确认纸质票统计", {Role.SECRETARY: OWN, Role.COMMITTEE_MEMBER: OWN}),
        # Per-member tallies and ratings: the secretary and the superior (issue 7 §6).
        "appraisal.results": ("查看测评统计和评定结果", {Role.SECRETARY: OWN, **_SUPERIORS}),
        # 不合格 needs the superior organization's approval.
        "appraisal.approve": ("审批不合格党员评定", {Role.REVIEWER: BELOW}),
    }
)
