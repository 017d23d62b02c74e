"""Recount every summary row (dashboard counts, referral standings) from the records."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from employment.models import JobTally, ReferralStanding, ReferralTally
from employment.tallies import rebuild
from training.models import TrainingTally


class Command(BaseCommand):
    help = (
        "按培训、就业、岗位推荐记录重新统计进度看板和岗位推荐工作台所用的汇总数据。"
        "日常录入会自动更新汇总，只有绕过系统直接改动数据库（批量 SQL 导入、手工修数）后才需要运行。"
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():  # readers see the old rows or the new ones, never a half-built set
            rebuild()
        self.stdout.write(
            f"已重新统计汇总数据（{time.perf_counter() - started:.1f} 秒）：培训汇总 {TrainingTally.objects.count():,} 行，"
            f"就业汇总 {JobTally.objects.count():,} 行，岗位推荐汇总 {ReferralTally.objects.count():,} 行，"
            f"推荐达标情况 {ReferralStanding.objects.count():,} 人。"
        )
