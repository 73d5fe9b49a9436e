from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from organizations.roster import import_roster


class Command(BaseCommand):
    help = "从.xlsx导入党员名册（全部成功或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="导入范围：党组织编码（含下级）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file: Path, organization: str, dry_run: bool, **options):
        org = Organization.objects.filter(code=organization).first()
        if org is None:
            raise CommandError(f"没有编码为“{organization}”的党组织")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        result = import_roster(data, org, actor=None, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现{len(result.errors)}处问题，未导入任何数据")
        verb = "检查通过" if dry_run else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{verb}：新增{result.created}人，更新{result.updated}人，未变化{result.unchanged}人"))
