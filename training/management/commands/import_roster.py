"""Import a trainee roster (any format core.spreadsheets reads) into a batch from the command line, with the same checks as the UI.

Exit status: 0 done as asked, 1 refused for row errors, 2 unusable arguments or file."""

import datetime
import json
import sys
from functools import partial
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from brands.models import Area, Occupation, Organisation
from core.imports.services import import_check_file, import_from_file
from core.spreadsheets import ACCEPTED_TEXT, MAX_UPLOAD_BYTES, SpreadsheetError
from training.models import TrainingBatch
from training.roster_import import ROSTER
from training.selectors import batch_find
from training.serializers import RosterReportSerializer
from training.services import batch_get_or_create

# The API answers the same report: its serializer names the keys, in order.
JSON_KEYS = tuple(RosterReportSerializer().fields)


def _date(value: str, flag: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag} 日期“{value}”无效：请按 YYYY-MM-DD 填写，例如 2024-03-01。", returncode=2) from None


class Command(BaseCommand):
    help = f"把学员花名册（{ACCEPTED_TEXT}）导入培训班期；班期按（地区、工种、培训机构、起止日期）查找，没有则新建。"

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"花名册文件路径（{ACCEPTED_TEXT}）")
        parser.add_argument("--area", required=True, help="承办地区代码，如 450702")
        parser.add_argument("--occupation", required=True, help="职业（工种）名称，如 母婴护理员")
        parser.add_argument("--start", required=True, help="开班日期 YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="结业日期 YYYY-MM-DD")
        parser.add_argument("--provider", default=None, help="培训机构名称")
        parser.add_argument("--completed", action="store_true", help="导入的学员标记为已结业（已结束课程的历史花名册）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--skip-invalid", action="store_true", help="跳过错误行，只导入有效行")
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")

    def handle(self, *args, **options):
        batch_args = self._batch_arguments(options)
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}", returncode=2)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，请拆分后分批导入。", returncode=2)
        try:
            content = path.read_bytes()
        except OSError as problem:
            raise CommandError(f"无法读取文件 {path}：{problem.strerror or problem}", returncode=2) from None
        try:
            import_check_file(spec=ROSTER, content=content, file_name=path.name)
        except SpreadsheetError as problem:
            raise CommandError(str(problem), returncode=2) from None
        existing = batch_find(**batch_args)
        batch_created = existing is None
        import_file = partial(
            import_from_file,
            spec=ROSTER,
            user=None,
            file_name=path.name,
            content=content,
            skip_invalid=options["skip_invalid"],
            mark_completed=options["completed"],
            via="命令行导入",
        )
        try:
            if options["dry_run"] or existing is None and not options["skip_invalid"]:
                # Check first when the batch is new: a refused roster must not leave an empty batch behind.
                batch = existing or TrainingBatch(**batch_args)
                _none, report = import_file(scope=batch, dry_run=True)
                check_only = options["dry_run"] or bool(report.errors)
            else:
                check_only = False
            if not check_only:
                batch, batch_created = batch_get_or_create(**batch_args)
                _roster_import, report = import_file(scope=batch, dry_run=False)
        except SpreadsheetError as problem:
            raise CommandError(str(problem), returncode=2) from None
        except ValidationError as problem:
            raise CommandError("；".join(problem.messages), returncode=2) from None

        report = report.to_json()
        if options["json"]:
            self.stdout.write(json.dumps({key: report[key] for key in JSON_KEYS}, ensure_ascii=False))
        else:
            self._print_text(report, batch, batch_created, options)
        if report["errors"] and not options["skip_invalid"]:
            sys.exit(1)  # refused for row errors

    def _batch_arguments(self, options) -> dict:
        area = Area.objects.filter(code=options["area"].strip()).exclude(kind=Area.Kind.CITY).first()
        if area is None:
            codes = "、".join(Area.objects.exclude(kind=Area.Kind.CITY).values_list("code", flat=True))
            raise CommandError(f"地区代码“{options['area']}”不存在，可用：{codes}。", returncode=2)
        occupation = Occupation.objects.filter(name=options["occupation"].strip()).first()
        if occupation is None:
            raise CommandError(
                f"职业（工种）“{options['occupation']}”不在培训工种清单中：请在“动态培训清单”中核对名称。", returncode=2
            )
        provider = None
        if options["provider"]:
            provider = Organisation.objects.filter(name=options["provider"].strip()).first()
            if provider is None:
                raise CommandError(f"培训机构“{options['provider']}”未登记：请先在单位名录中登记。", returncode=2)
        start = _date(options["start"], "--start")
        end = _date(options["end"], "--end")
        if end < start:
            raise CommandError("结业日期不能早于开班日期。", returncode=2)
        return {"area": area, "occupation": occupation, "provider": provider, "start_date": start, "end_date": end}

    def _print_text(self, report, batch, batch_created, options):
        write = self.stdout.write
        state = "新建" if report["committed"] else "将新建" if options["dry_run"] else "未新建"
        if not batch_created:
            state = "已有"
        write(f"班期：{batch}（{state}）")
        write(
            f"数据行 {report['rows']}，有效 {report['valid']}，错误行 {report['error_rows']}，"
            f"文件内重复 {len(report['duplicate_rows'])}"
        )
        for error in report["errors"][:50]:
            write(f"  第 {error['row']} 行 [{error['column']}] {error['message']}")
        if len(report["errors"]) > 50:
            write(f"  …… 共 {len(report['errors'])} 处错误")
        if report["ignored_columns"]:
            write(f"未识别而忽略的列：{'、'.join(report['ignored_columns'])}")
        verb = "已" if report["committed"] else "将"
        write(
            f"{verb}新增人员 {report['created']}，{verb}更新人员 {report['updated']}，{verb}新增参训 {report['enrolled']}"
        )
        if report["committed"]:
            write(self.style.SUCCESS("导入完成。"))
        elif options["dry_run"]:
            write("试运行：没有写入任何记录。")
        else:
            write(self.style.ERROR("花名册有错误行，没有写入任何记录（可用 --skip-invalid 只导入有效行）。"))
