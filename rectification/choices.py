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
