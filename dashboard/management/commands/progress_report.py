"""Print progress against the plan's targets, per city, brand line and area."""

import json

from django.core.management.base import BaseCommand, CommandError

from brands.selectors import default_period, period_by_code, period_list
from dashboard.selectors import progress_summary
from plantasks.selectors import task_summary

FIRST_YEAR, LAST_YEAR = 2021, 2030


def _cell(value) -> str:
    return "—" if value is None else f"{value:,}"


class Command(BaseCommand):
    help = "输出培训人次、就业创业人次等指标相对规划期目标的进度（全市、各品牌、各县区）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", help="规划期代码，例如 2021-2025（默认：包含今天的规划期，否则最近结束的规划期）"
        )
        parser.add_argument("--year", help="只统计该年度（培训按班期结束日期，就业按开始日期）")
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出")

    def handle(self, *args, year=None, json=False, period=None, **options):
        if period is not None:
            code = period
            period = period_by_code(code.strip())
            if period is None:
                known = "、".join(p.code for p in period_list()) or "（尚无规划期）"
                raise CommandError(f"未知的规划期“{code}”：可选 {known}。")
        else:
            period = default_period()
        if year is not None:
            try:
                year = int(year)
            except ValueError:
                raise CommandError(f"年度“{year}”无效：请填写四位数字年份，例如 --year 2024。") from None
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise CommandError(f"年度 {year} 超出范围：请填写 {FIRST_YEAR} 至 {LAST_YEAR} 之间的年份。")
        report = progress_summary(year=year, period=period)
        # The plan's tasks of the period: how many, done and behind by the departments' own word, overdue quarters.
        report["tasks"] = task_summary(period=period)
        if json:
            self.stdout.write(_dumps(report))
            return
        if year:
            label = f"{year} 年"
        elif period is not None:
            label = f"“{period.name}”{period.year_from}–{period.year_to} 年累计"
        else:
            label = "尚无规划期"
        self.stdout.write(f"钦州市“八桂系列”劳务品牌进度（{label}，截至 {report['as_of']}）")
        header = f"{'':<16}{'培训人次':>10}{'目标':>10}{'就业创业':>10}{'目标':>10}{'创业带动就业':>10}"
        self.stdout.write(header)
        rows = [("全市", report["city"])]
        rows += [(brand["name"], brand) for brand in report["brands"]]
        rows += [(area["name"], area) for area in report["areas"]]
        rows += [(f"{county['name']}（重点帮扶县）", county) for county in report["key_assistance_counties"]]
        for label, row in rows:
            self.stdout.write(
                f"{label:<16}{_cell(row['trainings']):>10}{_cell(row['trainings_target']):>10}"
                f"{_cell(row['jobs']):>10}{_cell(row['jobs_target']):>10}{_cell(row['jobs_created_by_startups']):>10}"
            )
        counted = "已计入" if report["jobs_count_startup_employees"] else "未计入"
        self.stdout.write(
            f"创业带动就业：创业者所办实体吸纳的就业人数，{counted}就业创业人次（JOBS_COUNT_STARTUP_EMPLOYEES）。"
        )


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False)
