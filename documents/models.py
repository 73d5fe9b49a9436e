"""District templates (versioned, inherited down the tree) and batch ZIP jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.scoping import scoped_queryset


class DocumentTemplate(models.Model):
    """A district's own .docx (docxtpl) for one document kind. Every upload is a new version;
    only one version per organization and kind is in use, and an organization's subtree uses it
    unless a lower organization has its own."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="document_templates", verbose_name="适用组织")
    kind = models.CharField("文书", max_length=40)
    number = models.PositiveIntegerField("版本号")
    content = models.BinaryField("模板文件")
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    fields_used = models.JSONField("使用的字段", default=list, blank=True)
    is_active = models.BooleanField("使用中", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = scoped_queryset("organization", "document.template").as_manager()

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["organization", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "number"], name="document_template_version_unique"),
            models.UniqueConstraint(fields=["organization", "kind"], condition=Q(is_active=True), name="one_active_document_template"),
        ]

    def __str__(self):
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return f"{self.organization.name} {kind.label if kind else self.kind} 第{self.number}版"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class BatchJob(models.Model):
    """A superior's ZIP of the 会议情况报告 of every meeting in a subtree, built by a background task."""

    uid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="document_batches", verbose_name="范围")
    meeting_kind = models.CharField("会议类型", max_length=20)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField("会议数", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    result_path = models.CharField("文件", max_length=200, blank=True, editable=False)
    result_bytes = models.PositiveBigIntegerField("文件大小", default=0)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = scoped_queryset("organization", "document.batch").as_manager()

    class Meta:
        verbose_name = "批量打包"
        verbose_name_plural = "批量打包"
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)
