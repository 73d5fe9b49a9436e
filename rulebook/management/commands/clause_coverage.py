"""`python manage.py clause_coverage [--json]`: every clause, its rules and the tests naming it.

Exits non-zero when a clause has neither a rule nor a `human_judgement` entry with a reason,
or when a rule cites a clause id the catalogue does not know. CI runs it (see
rulebook/tests/test_coverage.py)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rulebook.coverage import report


class Command(BaseCommand):
    help = "列出每个条款对应的规则和测试；有条款既无规则又无人工判断说明时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（含合计）")
        parser.add_argument("--root", default=str(settings.BASE_DIR), help="扫描测试文件的项目根目录")

    def handle(self, *args, **options):
        data = report(Path(options["root"]))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._text(data, options["verbosity"])
        problems = []
        if data["totals"]["missing"]:
            problems.append("条款既无规则也无人工判断说明：" + "、".join(r["id"] for r in data["clauses"] if r["status"] == "missing"))
        if data["unknown_clause_ids"]:
            problems.append("规则引用了目录中不存在的条款：" + "、".join(data["unknown_clause_ids"]))
        if problems:
            raise CommandError("\n".join(problems), returncode=1)

    def _text(self, data, verbosity):
        w = self.stdout.write
        for row in data["clauses"]:
            if row["status"] == "rule":
                what = "规则 " + " ".join(f"{r['id']}[{r['severity']}]" for r in row["rules"])
            elif row["status"] == "human_judgement":
                what = "人工判断 " + "；".join(f"{j['category']}：{j['reason']}" for j in row["human_judgement"])
            else:
                what = self.style.ERROR("缺少规则或人工判断说明")
            w(f"{row['id']:<14} {what}")
            w(f"{'':14} 测试 {len(row['tests'])} 个")
            if verbosity > 0:
                for test in row["tests"]:
                    w(f"{'':16}{test}")
        t = data["totals"]
        w("")
        w(
            f"条款 {t['clauses']}：有规则 {t['with_rules']}，仅人工判断 {t['human_judgement_only']}，缺失 {t['missing']}；"
            f"有测试的条款 {t['with_tests']}；规则 {t['rules']}，未被测试提及的规则 {t['rules_without_tests']}"
        )
        if data["rules_without_tests"]:
            w("未被测试提及的规则：" + "、".join(data["rules_without_tests"]))
