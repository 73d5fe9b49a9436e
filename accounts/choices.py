from django.db import models


class Role(models.TextChoices):
    SECRETARY = "secretary", "党组织书记"
    COMMITTEE_MEMBER = "committee_member", "支部委员"
    MEMBER = "member", "党员"
    REVIEWER = "reviewer", "上级党组织审核人"
    INSPECTOR = "inspector", "纪委/组织部"
    OPERATOR = "operator", "业务管理员"
    LEADER = "leader", "班子成员"
    MAIN_LEADER = "main_leader", "主要负责人"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "审计管理员"


class Office(models.TextChoices):
    """Which office an inspector sits in: DL plans and reports go to both (DL-2.2.c, DL-4.2.a)."""

    NONE = "", "—"
    DISCIPLINE = "discipline", "纪委"
    ORGANIZATION_DEPT = "organization_dept", "组织部"


# The three administrator roles are separated from each other and from business roles
# (等保 8.1.5.1–3): one account holds at most one of them and nothing else.
ADMIN_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}
# Roles that must use a second factor (TOTP) when enforcement is on.
PRIVILEGED_ROLES = {Role.REVIEWER, Role.INSPECTOR, Role.OPERATOR} | ADMIN_ROLES
