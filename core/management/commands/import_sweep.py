"""Send the imports that waited for an unreachable broker, and fail those whose worker was lost.

Celery beat runs the same sweep every minute; this command is for cron without beat, or by hand after an
outage: `python manage.py import_sweep`."""

from django.core.management.base import BaseCommand

from core.imports.dispatch import import_sweep


class Command(BaseCommand):
    help = "把因消息队列不可用而等待的导入交给后台处理，并将处理进程已中断的导入标记为失败。"

    def handle(self, *args, **options):
        counts = import_sweep()
        self.stdout.write(
            f"已交给后台处理 {counts['sent']} 个导入；仍在等待消息队列 {counts['waiting']} 个；"
            f"因处理中断标记为失败 {counts['failed']} 个。"
        )
        if counts["waiting"]:
            self.stderr.write("消息队列（Redis）仍无法连接，请检查后重试。")
