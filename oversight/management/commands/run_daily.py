import datetime

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "每日任务：标记逾期整改事项、重建督导汇总、发送提醒（可重复运行，不会重复发送）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程执行（db_worker）")

    def handle(self, *args, **options):
        from oversight.tasks import daily, run_daily_now

        if options["enqueue"]:
            result = daily.enqueue(options["date"] or "")
            self.stdout.write(f"已排队：{result.id}")
            return
        day = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        self.stdout.write(str(run_daily_now(day)))
