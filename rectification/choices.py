from django.db import models


class ProblemSource(models.TextChoices):
    """OL-4.1.a: problems come from the meeting, the appraisal, the public and the superior."""

    OPINION = "opinion", "征求意见"
    CRITICISM = "criticism", "批评与自我批评"
    APPRAISAL = "appraisal", "民主测评"
    COMMENTARY = "commentary", "上级点评"
    SELF_EXAMINATION = "self_examination", "对照检查"
    OTHER = "other", "其他"


class ProblemScope(models.TextChoices):
    """OL-4.1.b: the organization's problem or a person's."""

    ORGANIZATION = "organization", "党组织"
    PERSONAL = "personal", "个人"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "整改中"
    CLOSURE_REQUESTED = "closure_requested", "申请销号"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = (ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED)


class EventKind(models.TextChoices):
    """What happened to an item; the append-only history of the ledger (OL-4.3.b)."""

    CREATED = "created", "登记"
    EDITED = "edited", "修改"
    FINALIZED = "finalized", "确定整改措施"
    PROGRESS = "progress", "报告进展"
    CLOSURE_REQUESTED = "closure_requested", "申请销号"
    CLOSED = "closed", "销号"
    RETURNED = "returned", "退回销号申请"
    REOPENED = "reopened", "重新整改"
    OVERDUE = "overdue", "逾期"
    NOTE = "note", "督查意见"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "未报送"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


class FilingStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    RECEIVED = "received", "已接收"
    RETURNED = "returned", "已退回"


class CircularStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已通报"


class CommentStatus(models.TextChoices):
    """Public comments are shown only after the organization approves them."""

    PENDING = "pending", "待审核"
    APPROVED = "approved", "已公开"
    HIDDEN = "hidden", "不公开"


class ReportSection(models.TextChoices):
    """The four required sections of the 会议情况报告 (OL-4.2.b, DL-4.2.c)."""

    BASIC = "basic", "一、会议基本情况"
    CRITICISM = "criticism", "二、开展批评与自我批评情况"
    PROBLEMS = "problems", "三、检查出来的主要问题"
    MEASURES = "measures", "四、整改措施"
