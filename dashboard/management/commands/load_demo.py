"""Load demo data: staff for every role and area, organisations, and (from later apps) records.

Idempotent: running it twice leaves the same data."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from brands import demo as brands_demo
from employment import demo as employment_demo
from subsidies import demo as subsidies_demo
from training import demo as training_demo


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）：各角色演示账号、单位及业务记录。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="演示账号密码（默认取 DEMO_PASSWORD）")
        parser.add_argument("--reset-passwords", action="store_true", help="把已有演示账号的密码也重置为演示密码")

    def handle(self, *args, password=None, reset_passwords=False, **options):
        password = password or settings.DEMO_PASSWORD
        with transaction.atomic():
            staff = accounts_demo.load(password=password, reset_passwords=reset_passwords)
            organisations = brands_demo.load()
            clerks = accounts_demo.clerks_by_area()
            training = training_demo.load(clerks=clerks)
            employment = employment_demo.load(clerks=clerks)
            users = get_user_model().objects
            reviewers = {
                user.username.removeprefix("reviewer_"): user for user in users.filter(username__startswith="reviewer_")
            }
            subsidies = subsidies_demo.load(
                clerks=clerks, reviewers=reviewers, city_admin=users.filter(username="city_admin").first()
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪：新建账号 {staff['staff_created']} 个，单位 {organisations['organisations']} 家"
                f"（新建 {organisations['organisations_created']} 家），培训班期 {training['batches']} 个，"
                f"参训记录 {training['enrolments']} 条，岗位推荐 {employment['referrals']} 条，"
                f"就业创业结果 {employment['outcomes']} 条，欠薪案件 {employment['wage_cases']} 件，"
                f"补贴规则 {subsidies['rules']} 条，就业补助资金预算 {subsidies['budgets']} 笔，"
                f"补贴申请 {subsidies['applications']} 件。"
            )
        )
        self.stdout.write(f"演示账号（新建账号的密码为 {password}；已有账号可用 --reset-passwords 重置）：")
        for username, role, area in accounts_demo.demo_logins():
            self.stdout.write(f"  {username:<20} {role:<10} {area}")
