from django.core.management.base import BaseCommand

from core.demo import STEPS
from organizations import demo


class Command(BaseCommand):
    help = "载入演示数据（确定、可重复执行），并打印演示账号。"

    def handle(self, *args, **options):
        context = demo.build()
        for _order, name, step in STEPS:
            step(context)
            self.stdout.write(f"  演示数据：{name}")
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {demo.DEMO_PASSWORD}）："))
        for username, label in demo.LOGINS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write("  党员也可用手机号登录，例如幸福社区第一党支部的党员 xf05 ……")
