from django.db import models


class ObligationKind(models.TextChoices):
    HELD = "held", "召开会议"  # OL-1.2.a, DL-1.2.a: held by the end of its slot
    PLAN_FILING = "plan_filing", "方案报备"  # DL-2.2.c
    NOTICE = "notice", "会前公告/公示"  # DL-2.3.a, OL-2.5.e
    REPORT = "report", "上报会议材料"  # OL-4.2.a, DL-4.2.a
    CIRCULAR = "circular", "通报"  # DL-4.3.a


OVERDUE_FIELD = {
    ObligationKind.HELD: "overdue_held",
    ObligationKind.PLAN_FILING: "overdue_plan_filing",
    ObligationKind.NOTICE: "overdue_notice",
    ObligationKind.REPORT: "overdue_report",
    ObligationKind.CIRCULAR: "overdue_circular",
}
