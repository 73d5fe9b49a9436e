import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重建督导汇总（各组织及其下级的计数）；--obligations 同时重新计算各会议的期限事项。"

    def add_arguments(self, parser):
        parser.add_argument("--obligations", action="store_true")

    def handle(self, *args, **options):
        from oversight import obligations, rollups

        started = time.perf_counter()
        if options["obligations"]:
            from meetings.models import Meeting

            n = 0
            for meeting in Meeting.objects.select_related("organization", "plan", "campaign").iterator(chunk_size=500):
                obligations.refresh(meeting)
                n += 1
            self.stdout.write(f"期限事项：{n} 个会议")
        rows = rollups.rebuild()
        self.stdout.write(f"督导汇总：{rows} 个组织，用时 {time.perf_counter() - started:.1f} 秒")
