"""Meeting permissions (the rows of the project's one permission map owned by this app)."""

from accounts.choices import Role
from accounts.permissions import BELOW, OWN, SUBTREE, register

_BRANCH_PEOPLE = {Role.MEMBER: OWN, Role.COMMITTEE_MEMBER: OWN, Role.SECRETARY: OWN}
_TEAM = {Role.LEADER: OWN, Role.MAIN_LEADER: OWN}
_SUPERIORS = {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}

register(
    {
        "meeting.view": ("查看会议", {**_BRANCH_PEOPLE, **_TEAM, **_SUPERIORS}),
        # The secretary runs a branch's 组织生活会; the main leader runs the team's 民主生活会.
        "meeting.manage": ("组织会议各环节", {Role.SECRETARY: OWN, Role.MAIN_LEADER: OWN}),
        "meeting.record": ("记录会议（支部委员协助）", {Role.SECRETARY: OWN, Role.COMMITTEE_MEMBER: OWN, Role.MAIN_LEADER: OWN}),
        "meeting.participate": ("参加学习、提意见、谈心、撰写材料", {**_BRANCH_PEOPLE, **_TEAM}),
        "campaign.launch": ("部署组织生活会/民主生活会", {Role.REVIEWER: SUBTREE, Role.INSPECTOR: SUBTREE, Role.OPERATOR: SUBTREE}),
        "plan.approve": ("审核方案", {Role.REVIEWER: BELOW}),
        "plan.receive_filing": ("接收方案报备", {Role.INSPECTOR: SUBTREE}),
        "material.review": ("审核对照检查材料", {Role.REVIEWER: BELOW, Role.MAIN_LEADER: OWN}),
        "meeting.guide": ("到会指导并点评", {Role.REVIEWER: BELOW, Role.INSPECTOR: SUBTREE}),
        "gate.override": ("豁免规则阻断（须说明理由）", {Role.REVIEWER: BELOW, Role.INSPECTOR: SUBTREE}),
    }
)
