from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计记录只能追加，不能删除")

    # bulk_update goes through update(); raw SQL is stopped by the database trigger.


class AuditEntry(models.Model):
    """One audited event. Append-only (ORM and database trigger) and hash-chained:
    `hash = SM3(prev_hash || canonical JSON of this row)`, so any later edit breaks the chain
    from that row on (`manage.py verify_audit`). Never holds ballot content or clear PII."""

    seq = models.BigIntegerField("序号", unique=True)
    ts = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人")
    actor_label = models.CharField("操作人姓名", max_length=100, blank=True)
    role = models.CharField("角色", max_length=20, blank=True)
    acting_organization_id = models.BigIntegerField("角色所在组织", null=True, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所涉组织", db_constraint=False
    )
    action = models.CharField("事件", max_length=60)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    outcome = models.CharField("结果", max_length=10, default="ok")
    data = models.JSONField("内容", default=dict, blank=True)
    ip = models.CharField("地址", max_length=45, blank=True)
    request_id = models.CharField("请求", max_length=32, blank=True)
    prev_hash = models.CharField("前一条摘要", max_length=64)
    hash = models.CharField("摘要", max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["organization", "ts"], name="audit_org_ts"),
            models.Index(fields=["action", "ts"], name="audit_action_ts"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加，不能删除")


class AuditChainHead(models.Model):
    """Single row holding the chain's last seq and hash; locked while appending so
    concurrent transactions extend the chain one at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
