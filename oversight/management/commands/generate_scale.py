import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "生成大规模模拟数据：--preset district|city|province，或 --branches N --members-per-branch M；"
        "--preset 与 --branches 同用时按该预设的层级结构（区数、市数、省级根节点）生成 N 个支部（小规模试跑）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=["district", "city", "province"])
        parser.add_argument("--branches", type=int)
        parser.add_argument("--members-per-branch", type=int, default=20)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        from oversight import scale

        per_district = scale.BRANCHES_PER_DISTRICT
        if options["preset"]:
            branches, members, per_district = scale.shape_of(options["preset"], options["branches"])
        elif options["branches"]:
            branches, members = options["branches"], options["members_per_branch"]
        else:
            raise CommandError("请指定 --preset 或 --branches")
        result = scale.build(branches, members, seed=options["seed"], log=self.stdout.write, branches_per_district=per_district)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
