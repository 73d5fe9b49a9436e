from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.scoping import scoped_queryset


def validate_slug(value: str) -> None:
    from .engine import available

    if value not in {slug for slug, _ in available()}:
        raise ValidationError("没有名为“%(slug)s”的规则库。", params={"slug": value})


class RulebookChoice(models.Model):
    """An organization's choice of rulebook for its whole subtree (a district or any part of
    it). The nearest ancestor's choice wins; without any, `district-2024` applies. Meetings
    pin the version current when they are created, so a change here only affects new ones."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, related_name="rulebook_choice", verbose_name="党组织")
    slug = models.CharField("规则库", max_length=50, validators=[validate_slug])
    note = models.CharField("说明", max_length=200, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="决定人")
    chosen_at = models.DateTimeField("决定时间", auto_now=True)

    objects = scoped_queryset("organization", "organization.view").as_manager()

    class Meta:
        verbose_name = "规则库选用"
        verbose_name_plural = "规则库选用"

    def __str__(self):
        return f"{self.organization}：{self.slug}"
