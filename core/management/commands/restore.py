"""`manage.py restore PATH [--force]`: a backup made by `manage.py backup` into the configured database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 backup 命令生成的备份还原到当前配置的数据库和文件存储。先校验 manifest.json、全部校验和与迁移状态，"
        "通过后才写入；目标数据库非空时需加 --force。结束时列出各表行数与备份时的对照。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="一份备份的目录（DIR/<年月日-时分秒>）")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然还原（其中数据全部被覆盖）")

    def handle(self, *args, path, force=False, **options):
        try:
            result = backup_restore(path=Path(path), force=force, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        width = max((len(table) for table, _, _ in result.counts), default=10)
        self.stdout.write(f"{'表':<{width}}  {'备份时':>10}  {'还原后':>10}")
        for table, expected, restored in result.counts:
            mark = "" if expected == restored else "  ← 不一致"
            shown = "缺失" if restored is None else f"{restored:,}"
            self.stdout.write(f"{table:<{width}}  {expected:>10,}  {shown:>10}{mark}")
        self.stdout.write(f"文件：写入 {result.files_written} 个，已存在且相同 {result.files_unchanged} 个。")
        if result.migrations_to_apply:
            self.stdout.write(
                f"备份来自较早的版本：请接着执行 python manage.py migrate（{len(result.migrations_to_apply)} 个迁移）。"
            )
        if result.mismatched:
            raise CommandError(
                f"还原后 {len(result.mismatched)} 张表的行数与备份不符：{'、'.join(result.mismatched)}。"
            )
        self.stdout.write(self.style.SUCCESS(f"还原完成：{path}"))
