"""`manage.py backup DIR`: the database and the uploaded files into DIR/<YYYYmmdd-HHMMSS>/ (core.backup).

`manage.py backup DIR --prune --keep-daily 14 --keep-monthly 12` deletes older backups instead."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create, backup_prune


class Command(BaseCommand):
    help = (
        "备份数据库和上传的文件到 DIR/<年月日-时分秒>/（含 manifest.json：迁移状态、各表行数、文件校验和、版本）；"
        "加 --prune 则按保留规则删除旧备份。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="备份存放目录")
        parser.add_argument("--prune", action="store_true", help="不做新备份，只按保留规则删除 DIR 中的旧备份")
        parser.add_argument("--keep-daily", type=int, default=14, help="保留最近多少天、每天最新的一份（默认 14）")
        parser.add_argument("--keep-monthly", type=int, default=12, help="保留最近多少个月、每月最新的一份（默认 12）")
        parser.add_argument("--dry-run", action="store_true", help="与 --prune 同用：只列出将删除的备份")

    def handle(self, *args, directory, prune=False, keep_daily=14, keep_monthly=12, dry_run=False, **options):
        target = Path(directory)
        try:
            if prune:
                if not target.is_dir():
                    raise BackupError(f"{target} 不是目录。")
                kept, deleted = backup_prune(
                    target=target, keep_daily=keep_daily, keep_monthly=keep_monthly, dry_run=dry_run
                )
                verb = "将删除" if dry_run else "已删除"
                for entry in deleted:
                    self.stdout.write(f"{verb} {entry}")
                self.stdout.write(self.style.SUCCESS(f"保留 {len(kept)} 份备份，{verb} {len(deleted)} 份。"))
                return
            if dry_run:
                raise BackupError("--dry-run 只能与 --prune 同用。")
            backup_create(target=target, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
