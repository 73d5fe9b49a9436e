"""The organization's public page (OL-4.1.d, OL-2.5.e, DL-4.3.b) and the masses' comments."""

import secrets

from django.conf import settings
from django.db import models

from accounts.scoping import scoped_queryset

from ..choices import CommentStatus


def _token() -> str:
    return secrets.token_urlsafe(24)


class PublicBoard(models.Model):
    """One public page per organization, reached by an unguessable token (no login). The
    organization decides how much it shows beyond the items themselves."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, related_name="public_board", verbose_name="党组织")
    token = models.CharField("公开页面标识", max_length=43, unique=True, default=_token, editable=False)
    show_responsible_names = models.BooleanField("公开责任人姓名", default=False)
    comments_open = models.BooleanField("接受群众留言", default=True)
    supervision_contact = models.CharField("监督渠道（电话、信箱等）", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最后修改人")
    version = models.PositiveIntegerField("版本", default=1)

    objects = scoped_queryset("organization", "rectification.ledger").as_manager()

    class Meta:
        verbose_name = "公开页面"
        verbose_name_plural = "公开页面"

    def __str__(self):
        return f"{self.organization}公开页面"


class PublicComment(models.Model):
    """A comment left by the public on the public page. Nothing identifying is stored (no
    address, no account); it appears publicly only after the organization approves it."""

    board = models.ForeignKey(PublicBoard, on_delete=models.CASCADE, related_name="comments", verbose_name="公开页面")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    item = models.ForeignKey(
        "rectification.RectificationItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="public_comments", verbose_name="针对事项"
    )
    content = models.TextField("留言内容")
    signature = models.CharField("署名（可不填）", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    created_at = models.DateTimeField("留言时间", auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人")
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    reply = models.TextField("答复", blank=True)

    objects = scoped_queryset("organization", "rectification.manage").as_manager()

    class Meta:
        verbose_name = "群众留言"
        verbose_name_plural = "群众留言"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "status", "created_at"], name="comment_board_status")]

    def __str__(self):
        return self.content[:30]
