"""Action codes and their Chinese display text. Apps add theirs with `register`."""

ACTIONS: dict[str, str] = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "账号锁定",
    "auth.logout": "退出登录",
    "auth.password_changed": "修改密码",
    "auth.otp_failed": "动态口令错误",
    "member.created": "新增党员",
    "member.updated": "修改党员信息",
    "member.revealed": "查看完整个人信息",
    "member.account_created": "开通党员账号",
    "roster.imported": "导入党员名册",
    "organization.created": "新增党组织",
    "organization.updated": "修改党组织",
    "position.appointed": "任职",
    "position.ended": "离任",
    "role.assigned": "角色授权",
    "role.revoked": "撤销角色",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
    "audit.viewed": "查看审计日志",
}


def register(actions: dict[str, str]) -> None:
    for code, label in actions.items():
        if code in ACTIONS and ACTIONS[code] != label:
            raise ValueError(f"audit action {code} registered twice")
        ACTIONS[code] = label


def label(code: str) -> str:
    return ACTIONS.get(code, code)
