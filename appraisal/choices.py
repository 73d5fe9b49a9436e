from django.db import models


class Grade(models.TextChoices):
    """评定等次 (rulebook parameter `appraisal_grades`), best first."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


GRADE_ORDER = [g.value for g in Grade]
# One letter per grade in a ballot's `grades` string.
GRADE_CODES = {Grade.EXCELLENT: "E", Grade.QUALIFIED: "Q", Grade.BASICALLY_QUALIFIED: "B", Grade.UNQUALIFIED: "U"}
CODE_GRADES = {code: grade for grade, code in GRADE_CODES.items()}


class VotingStatus(models.TextChoices):
    NOT_OPENED = "not_opened", "未开始"
    OPEN = "open", "测评中"
    CLOSED = "closed", "已结束"


class VotingMode(models.TextChoices):
    SITTING = "sitting", "会上当场测评"
    WINDOW = "window", "规定时间内网上测评"


class RightChannel(models.TextChoices):
    """How a voting right was used; says nothing about the ballot."""

    UNUSED = "", "未投票"
    ONLINE = "online", "网上"
    PAPER = "paper", "纸质票"


class PaperStatus(models.TextChoices):
    DRAFT = "draft", "待确认"
    CONFIRMED = "confirmed", "已确认"


class RatingStatus(models.TextChoices):
    PROPOSED = "proposed", "拟定"
    AWAITING_APPROVAL = "awaiting_approval", "待上级审批"
    RETURNED = "returned", "上级退回"
    FINAL = "final", "已确定"


class ResolutionBody(models.TextChoices):
    COMMITTEE = "committee", "支委会"
    GENERAL = "general", "党员大会"


class DispositionKind(models.TextChoices):
    """组织处置 of a member rated 不合格 (党员教育管理工作条例; 党章 art. 9)."""

    CORRECTION = "correction", "限期改正"
    PERSUADE = "persuade", "劝其退党"
    REMOVE = "remove", "除名"


# The tracked steps of each disposition, with their default due day offsets from the decision.
# 限期改正's period is set per case (default 6 months, see DEFAULT_CORRECTION_MONTHS).
DISPOSITION_STEPS = {
    DispositionKind.CORRECTION: [
        ("notify", "向本人宣布限期改正决定并谈话", 7),
        ("help", "明确帮教责任人，制定改正措施", 15),
        ("review", "期满考察", None),  # due at the end of the period
        ("conclude", "作出结论（改正的恢复正常管理，仍无转变的劝其退党或除名）", None),
    ],
    DispositionKind.PERSUADE: [
        ("talk", "派人与其谈话，劝其退党", 15),
        ("resolution", "支部党员大会讨论决定", 30),
        ("report", "报上级党组织批准", 45),
    ],
    DispositionKind.REMOVE: [
        ("resolution", "支部党员大会讨论决定除名", 30),
        ("report", "报上级党组织批准", 45),
        ("notify", "通知本人，办理组织关系手续", 60),
    ],
}
DEFAULT_CORRECTION_MONTHS = 6  # common practice, not in our source text (unverified)
