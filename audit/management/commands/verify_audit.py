from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链；链完整时退出码为0，否则指出第一条异常记录。"

    def handle(self, *args, **options):
        ok, bad_seq, checked = verify_chain()
        if not ok:
            raise CommandError(f"审计链校验失败：第一条异常记录序号 {bad_seq}（已检查 {checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共 {checked} 条记录"))
