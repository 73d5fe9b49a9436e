"""Plain vocabularies the pure engine needs, copied from the Django choices so that the engine
imports nothing from Django. `rulebook/tests/test_constants.py` keeps them in step."""

STAGES: tuple[str, ...] = ("planning", "preparing", "ready", "held", "rectifying", "reported", "closed")
STAGE_LABELS = {
    "planning": "制定方案",
    "preparing": "会前准备",
    "ready": "准备就绪",
    "held": "已召开",
    "rectifying": "整改落实",
    "reported": "已报送",
    "closed": "已完成",
}
KINDS: tuple[str, ...] = ("org_life", "democratic_life")
KIND_LABELS = {"org_life": "组织生活会", "democratic_life": "民主生活会"}
SECTORS: tuple[str, ...] = ("district_organ", "public_institution", "subdistrict", "station", "school", "community", "other")
SECTOR_LABELS = {
    "district_organ": "区直机关",
    "public_institution": "直属事业单位",
    "subdistrict": "办事处机关",
    "station": "站所",
    "school": "学校",
    "community": "社区",
    "other": "其他",
}
ORG_KINDS: tuple[str, ...] = ("district_committee", "party_committee", "party_group", "general_branch", "branch")
ORG_KIND_LABELS = {"district_committee": "区委", "party_committee": "党委/党工委", "party_group": "党组", "general_branch": "党总支", "branch": "党支部"}
HALVES: tuple[str, ...] = ("mid_year", "year_end")
ROLES: tuple[str, ...] = (
    "secretary",
    "committee_member",
    "member",
    "reviewer",
    "inspector",
    "operator",
    "leader",
    "main_leader",
)
ROLE_LABELS = {
    "secretary": "党组织书记",
    "committee_member": "支部委员",
    "member": "党员",
    "reviewer": "上级党组织审核人",
    "inspector": "纪委/组织部",
    "operator": "业务管理员",
    "leader": "班子成员",
    "main_leader": "主要负责人",
}
SEVERITIES: tuple[str, ...] = ("blocker", "warning", "info")
SEVERITY_LABELS = {"blocker": "必须解决", "warning": "提醒", "info": "提示"}
# Guidance is shown at these steps of a meeting (`guidance_for(kind, step)`).
STEPS: tuple[str, ...] = (
    "plan",
    "notice",
    "study",
    "opinions",
    "talks",
    "self_exam",
    "sitting",
    "criticism",
    "commentary",
    "closing",
    "appraisal",
    "rectification",
    "report",
    "circular",
)
STEP_LABELS = {
    "plan": "制定方案",
    "notice": "会议公告",
    "study": "学习",
    "opinions": "征求意见",
    "talks": "谈心谈话",
    "self_exam": "对照检查材料",
    "sitting": "召开会议",
    "criticism": "批评与自我批评",
    "commentary": "上级点评",
    "closing": "会议小结",
    "appraisal": "民主评议",
    "rectification": "整改落实",
    "report": "上报材料",
    "circular": "通报",
}
PROPOSAL_LABEL = "提议，非本地制度原文"

# Values of meetings.choices used by the checks.
TEAM = "team"
PLAN_DECIDED = frozenset({"approved", "filed"})
OFFICES = frozenset({"discipline", "organization_dept"})
FLEXIBLE_MODES = frozenset({"home_visit", "remote", "written", "delegate_read"})  # OL-1.3.d
FLOW_MODE = "at_flow_org"  # OL-1.3.e
ABSENT = "absent"
