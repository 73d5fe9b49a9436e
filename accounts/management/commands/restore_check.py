"""After a restore (monthly drill, docs/backup.md): count what came back and verify the audit
chain and the uploaded files. Exit code 1 when the chain is broken or files are missing."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "恢复后核对：会议、整改事项、审计记录条数，审计链完整性，佐证文件是否齐全（输出JSON）。"

    def handle(self, *args, **options):
        from audit.models import AuditEntry
        from audit.services import verify_chain
        from meetings.models import Meeting
        from rectification.models import Evidence, RectificationItem

        ok, bad_seq, checked = verify_chain()
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        missing = [e.path for e in Evidence.objects.only("path") if not (root / e.path).is_file()]
        result = {
            "meetings": Meeting.objects.count(),
            "items": RectificationItem.objects.count(),
            "audit_entries": AuditEntry.objects.count(),
            "audit_last_seq": AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0,
            "chain_ok": ok,
            "chain_bad_seq": bad_seq,
            "chain_checked": checked,
            "evidence_missing": missing[:20],
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not ok or missing:
            raise CommandError("恢复核对未通过：" + ("审计链断裂；" if not ok else "") + (f"缺少{len(missing)}个佐证文件" if missing else ""))
