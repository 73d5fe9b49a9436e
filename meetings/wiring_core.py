"""Registrations of this part of the meetings app (permissions, audit codes, steps, home tasks, demo)."""

from audit import registry

AUDIT_ACTIONS = {
    "meeting.created": "创建会议",
    "meeting.stage_changed": "会议阶段变更",
    "gate.overridden": "豁免规则阻断",
    "campaign.launched": "部署组织生活会/民主生活会",
    "plan.saved": "编辑方案",
    "plan.submitted": "方案报审",
    "plan.approved": "方案审核同意",
    "plan.returned": "方案退回修改",
    "study.reading_saved": "编辑必读篇目",
    "study.session_saved": "编辑学习安排",
    "study.session_deleted": "删除学习安排",
    "study.attendance_saved": "登记学习参加情况",
}
registry.register(AUDIT_ACTIONS)
