"""The report package sent up after the meeting (OL-4.2, DL-4.2) and the circular (DL-4.3)."""

from django.conf import settings
from django.db import models

from accounts.choices import Office
from accounts.scoping import scoped_queryset

from ..choices import CircularStatus, FilingStatus, ReportStatus


class Report(models.Model):
    """上报材料: 会议情况报告 (sections drafted from the records, edited by the secretary), the
    scanned 原始记录 and the latest frozen 征求意见汇总. Each submission freezes a
    `ReportVersion`; a return and resubmission keeps every version."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="report", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="reports", verbose_name="党组织")
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    sections = models.JSONField("会议情况报告（编辑稿）", default=dict, blank=True)
    minutes_scan_path = models.CharField("原始记录复印件", max_length=200, blank=True, editable=False)
    minutes_scan_kind = models.CharField("原始记录文件类型", max_length=10, blank=True, editable=False)
    minutes_scan_name = models.CharField("原始记录文件名", max_length=200, blank=True)
    minutes_scan_at = models.DateTimeField("原始记录上传时间", null=True, blank=True)
    due_on = models.DateField("应报送日期", null=True, blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    current_number = models.PositiveIntegerField("当前版本号", default=0)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最后编辑人")

    objects = scoped_queryset("organization", "report.view").as_manager()

    class Meta:
        verbose_name = "上报材料"
        verbose_name_plural = "上报材料"
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due")]

    def __str__(self):
        return f"{self.meeting}上报材料"

    @property
    def has_minutes_scan(self) -> bool:
        return bool(self.minutes_scan_path)


class ReportVersion(models.Model):
    """A frozen submission: the report text as sent, which scan and which summary went with it,
    and whether it was late (DL-4.2.a)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions", verbose_name="上报材料")
    number = models.PositiveIntegerField("版本号")
    sections = models.JSONField("会议情况报告")
    minutes_scan_path = models.CharField("原始记录复印件", max_length=200, editable=False)
    minutes_scan_kind = models.CharField("原始记录文件类型", max_length=10, editable=False)
    minutes_scan_name = models.CharField("原始记录文件名", max_length=200)
    opinion_summary = models.ForeignKey("meetings.OpinionSummary", on_delete=models.PROTECT, related_name="+", verbose_name="征求意见汇总")
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人")
    due_on = models.DateField("应报送日期", null=True, blank=True)
    late_days = models.PositiveIntegerField("逾期天数", default=0)
    note = models.TextField("报送说明", blank=True)

    class Meta:
        verbose_name = "上报材料版本"
        verbose_name_plural = "上报材料版本"
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self):
        return f"{self.report} 第{self.number}版"


class ReportFiling(models.Model):
    """One recipient of one submitted version: the superior organization (组织生活会) or, for a
    民主生活会, the 纪委 and the 组织部 separately (DL-4.2.a). Each recipient receives or returns."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="filings", verbose_name="上报材料")
    report_version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="filings", verbose_name="版本")
    office = models.CharField("接收机构", max_length=20, choices=Office.choices, blank=True, default="")
    recipient_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="接收组织")
    status = models.CharField("状态", max_length=10, choices=FilingStatus.choices, default=FilingStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    comment = models.TextField("意见/退回理由", blank=True)

    objects = scoped_queryset("report__organization", "report.receive").as_manager()

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["report", "report_version", "office"]
        constraints = [models.UniqueConstraint(fields=["report_version", "office"], name="one_filing_per_office")]
        indexes = [models.Index(fields=["status", "office"], name="filing_status_office")]

    def __str__(self):
        return f"{self.report} → {self.get_office_display() if self.office else self.recipient_organization}"

    @property
    def recipient_label(self) -> str:
        return self.get_office_display() if self.office else f"上级党组织（{self.recipient_organization.name}）"


class Circular(models.Model):
    """通报 (DL-4.3): within one month, in a defined scope and form, on the meeting and its
    measures; optionally shown on the organization's public page (DL-4.3.b)."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="circular", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="circulars", verbose_name="党组织")
    status = models.CharField("状态", max_length=10, choices=CircularStatus.choices, default=CircularStatus.DRAFT)
    title = models.CharField("标题", max_length=200, blank=True)
    content = models.TextField("通报内容", blank=True)
    scope = models.CharField("通报范围", max_length=200, blank=True)
    form = models.CharField("通报形式", max_length=100, blank=True)
    is_public = models.BooleanField("在公开页面发布", default=False)
    due_on = models.DateField("应通报日期", null=True, blank=True)
    published_at = models.DateTimeField("通报时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="通报人")
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = scoped_queryset("organization", "report.view").as_manager()

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"

    def __str__(self):
        return self.title or f"{self.meeting}通报"
