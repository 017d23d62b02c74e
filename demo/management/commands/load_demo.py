"""Load demo data: staff for every role and area, organisations, and (from later apps) records.

Idempotent: running it twice leaves the same data. With `--scale N` it then replaces the scale demo
data (demo.scale) with N fresh enrolments and everything that goes with them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import accounts as accounts_demo
from demo import brands as brands_demo
from demo import classes as classes_demo
from demo import employment as employment_demo
from demo import evidence as evidence_demo
from demo import follow_ups as follow_ups_demo
from demo import jobs as jobs_demo
from demo import notices as notices_demo
from demo import periods as periods_demo
from demo import plans as plans_demo
from demo import scale
from demo import subsidies as subsidies_demo
from demo import tasks as tasks_demo
from demo import training as training_demo


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）：各角色演示账号、单位及业务记录；--scale N 另外生成 N 条参训记录的规模演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None, help="演示账号密码（默认取 DEMO_PASSWORD）")
        parser.add_argument("--reset-passwords", action="store_true", help="把已有演示账号的密码也重置为演示密码")
        parser.add_argument(
            "--scale",
            default=None,
            metavar="N",
            help=f"另外生成 N 条参训记录及相应学员、班期、推荐、就业结果等规模演示数据（1–{scale.MAX_ENROLMENTS:,}；"
            "先删除上次生成的规模数据，普通演示数据不变）",
        )
        parser.add_argument(
            "--seed", default=scale.DEFAULT_SEED, help=f"规模演示数据的随机种子（默认 {scale.DEFAULT_SEED}）"
        )

    def handle(self, *args, password=None, reset_passwords=False, **options):
        # Checked before anything is loaded: a mistyped --scale costs nothing.
        enrolments = _scale_argument(options.get("scale"))
        seed = _integer(options.get("seed", scale.DEFAULT_SEED), "--seed")
        password = password or settings.DEMO_PASSWORD
        with transaction.atomic():
            staff = accounts_demo.load(password=password, reset_passwords=reset_passwords)
            organisations = brands_demo.load()
            clerks = accounts_demo.staff_by_area("clerk_")
            reviewers = accounts_demo.staff_by_area("reviewer_")
            users = get_user_model().objects
            city_admin = users.filter(username="city_admin").first()
            training = training_demo.load(clerks=clerks)
            classes_demo.load(clerks=clerks, reviewers=reviewers)
            employment_demo.load(clerks=clerks)
            follow_ups = follow_ups_demo.load(clerks=clerks)
            jobs_demo.load(clerks=clerks)  # vacancies, two job fairs, referrals from them
            subsidies = subsidies_demo.load(
                clerks=clerks,
                reviewers=reviewers,
                city_admin=city_admin,
                city_clerk=users.filter(username="city_clerk").first(),
            )
            evidence_demo.load()
            # Closing 十四五 freezes the figures of everything loaded above. Before the annual plans: accepting
            # this year's plan writes this year's targets, which need the period containing it (十五五).
            periods = periods_demo.load(city_admin=users.get(username="city_admin"))
            notices_demo.load()  # staff e-mail addresses for the digest, a few referral notices by SMS
            plans = plans_demo.load(clerks=clerks, reviewers=reviewers, city_admin=city_admin)
            tasks = tasks_demo.load()  # departments' quarterly reports on the current period's tasks
            employment = employment_demo.totals()  # the fairs and follow-ups above add referrals and cases
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪：新建账号 {staff['staff_created']} 个，单位 {organisations['organisations']} 家"
                f"（新建 {organisations['organisations_created']} 家），培训班期 {training['batches']} 个，"
                f"参训记录 {training['enrolments']} 条，岗位推荐 {employment['referrals']} 条，"
                f"就业创业结果 {employment['outcomes']} 条，跟踪服务记录 {follow_ups['follow_ups']} 条，欠薪案件 {employment['wage_cases']} 件，"
                f"补贴规则 {subsidies['rules']} 条，就业补助资金预算 {subsidies['budgets']} 笔，"
                f"补贴申请 {subsidies['applications']} 件，年度计划 {plans['plans']} 份，"
                f"月报 {plans['reports']} 份（锁定月份 {plans['locked_months']} 个），"
                f"规划期 {periods['periods']} 个，任务季度进展 {tasks['task_reports']} 份"
                f"（“十四五”已结束并出具总结评估，“十五五”进行中）。"
            )
        )
        if enrolments is not None:
            self._load_scale(enrolments=enrolments, seed=seed)
        self.stdout.write(f"演示账号（新建账号的密码为 {password}；已有账号可用 --reset-passwords 重置）：")
        for username, role, area in accounts_demo.demo_logins():
            self.stdout.write(f"  {username:<20} {role:<10} {area}")

    def _load_scale(self, *, enrolments: int, seed: int) -> None:
        counts = scale.load_scale(enrolments=enrolments, seed=seed, stdout=self.stdout)  # one transaction
        self.stdout.write(
            self.style.SUCCESS(
                f"规模演示数据已生成（种子 {seed}，用时 {counts['seconds']} 秒）：培训班期 {counts['batches']:,} 个，"
                f"学员 {counts['trainees']:,} 人（人员类别标记 {counts['category_links']:,} 条），"
                f"参训记录 {counts['enrolments']:,} 条（结业 {counts['completed_enrolments']:,} 条，"
                f"发证 {counts['certificates']:,} 本），岗位推荐 {counts['referrals']:,} 条，"
                f"就业创业结果 {counts['outcomes']:,} 条（其中培训前 {counts['outcomes_before_training']:,} 条，不计入），"
                f"欠薪案件 {counts['wage_cases']:,} 件，补贴申请 {counts['applications']:,} 件。"
            )
        )


def _integer(value, option: str) -> int:
    try:
        return int(str(value).replace(",", "").replace("_", "").strip())
    except ValueError:
        raise CommandError(f"{option} 须为整数，当前为“{value}”。") from None


def _scale_argument(value) -> int | None:
    if value is None:
        return None
    enrolments = _integer(value, "--scale")
    if not 1 <= enrolments <= scale.MAX_ENROLMENTS:
        raise CommandError(f"--scale 须在 1 到 {scale.MAX_ENROLMENTS:,} 之间，当前为 {enrolments:,}。")
    return enrolments
