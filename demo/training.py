"""Demo batches, rosters and imports (idempotent), for `load_demo`.

Rosters go through the same import service as a clerk's upload, so the demo exercises the real path."""

import datetime
import random

from django.utils import timezone
from openpyxl import Workbook

from brands.models import CITY_AREA_CODE, Area, Occupation, Organisation
from core.identity import check_character
from core.imports.services import import_from_file, import_upload
from core.xlsx import workbook_bytes
from training.models import Enrolment, RosterImport, TrainingBatch
from training.roster import CATEGORY_NAMES, EDUCATION_CHOICES, TEMPLATE_HEADERS
from training.roster_import import ROSTER
from training.services import ResultEntry, batch_create, batch_find, batch_get_or_create, enrolments_record_results

SURNAMES = "黄李陈梁韦林刘张王杨周吴莫覃蒙苏谢何罗邓廖宁庞钟卢冯曾甘农潘劳颜符"
GIVEN = "秀英桂兰丽华玉梅春燕海燕小红伟明志强建国家宝文杰振华金凤美玲少芳海军国庆德明永福"

# (area code, occupation, provider name, start, end, trainees, completed)
DEMO_BATCHES = [
    ("450702", "母婴护理员", "钦州市钦南区众创职业培训学校", "2022-09-05", "2022-09-25", 24, True),
    ("450702", "大蚝养殖工", None, "2023-04-10", "2023-04-30", 18, True),
    ("450702", "跨境电商师", "钦州市钦南区众创职业培训学校", "2024-05-06", "2024-05-26", 20, True),
    ("450702", "养老护理员", "钦州市钦南区众创职业培训学校", "2025-10-13", "2025-11-02", 16, True),
    ("450703", "家务服务员", "钦北区技工学校", "2023-03-06", "2023-03-26", 22, True),
    ("450703", "砌筑工", "钦北区技工学校", "2024-09-02", "2024-09-22", 18, True),
    ("450721", "灵山刮粉制作工", "灵山县职业技术学校", "2022-11-07", "2022-11-27", 30, True),
    ("450721", "茶叶加工工", "灵山县职业技术学校", "2024-03-11", "2024-03-31", 20, True),
    ("450721", "农村建筑工匠", "灵山县职业技术学校", "2025-04-07", "2025-04-27", 25, True),
    ("450722", "编织工", "浦北县编织工艺职业培训中心", "2023-07-03", "2023-07-23", 20, True),
    ("450722", "陈皮加工工", "浦北县编织工艺职业培训中心", "2025-06-02", "2025-06-22", 15, True),
    ("QZFTZ", "物流服务师", "钦州港片区公共实训基地", "2024-07-01", "2024-07-21", 20, True),
    ("QZFTZ", "船舶海工", "钦州港片区公共实训基地", "2025-08-04", "2025-08-24", 16, True),
    ("450702", "钦州猪脚粉制作工", "钦州市钦南区众创职业培训学校", "2026-12-07", "2026-12-27", 0, False),
]


def _person(rng: random.Random, area: Area, number: int) -> list:
    birth = datetime.date(1968, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 36))
    prefix = area.code if area.code.isdigit() else CITY_AREA_CODE
    sex_digit = rng.randrange(0, 10)
    first17 = f"{prefix}{birth:%Y%m%d}{rng.randrange(10, 99)}{sex_digit}"
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
    categories = rng.sample(CATEGORY_NAMES, rng.choice((0, 0, 1, 1, 2)))
    return [
        name,
        first17 + check_character(first17),
        "男" if sex_digit % 2 else "女",
        f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        rng.choice(list(EDUCATION_CHOICES)[:4]),
        "、".join(categories),
        f"广西钦州市{area.short_name}某某村{number}号",
        "",
    ]


def roster_workbook(rows: list[list], title: str | None = None) -> bytes:
    """The rows under the template's header, after a title row as a printed roster has one (openpyxl
    write_only, so that the benchmarks' 100,000-row rosters stay small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    if title:
        sheet.append([title])
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)


def _import_roster(batch: TrainingBatch, clerk, name: str, rows: list[list]) -> None:
    """The rows imported into the batch as a clerk's roster file named `<area><name>.xlsx`, committed."""
    import_from_file(
        spec=ROSTER,
        scope=batch,
        user=clerk,
        file_name=f"{batch.area}{name}.xlsx",
        content=roster_workbook(rows),
        dry_run=False,
        skip_invalid=True,
        mark_completed=False,
        via="命令行导入",
    )


def load(*, clerks: dict) -> dict[str, int]:
    """`clerks` maps area codes to the clerk accounts that upload in that area."""
    rng = random.Random(2022)  # the same demo every time
    areas = {area.code: area for area in Area.objects.all()}
    batches = 0
    for area_code, occupation, provider, start, end, count, completed in DEMO_BATCHES:
        batch, _created = batch_get_or_create(
            area=areas[area_code],
            occupation=Occupation.objects.get(name=occupation),
            provider=Organisation.objects.filter(name=provider).first() if provider else None,
            start_date=datetime.date.fromisoformat(start),
            end_date=datetime.date.fromisoformat(end),
            user=clerks.get(area_code),
        )
        batches += 1
        rows = [_person(rng, areas[area_code], number) for number in range(count)]
        if rows and not batch.enrolments.exists():
            _import_roster(batch, clerks.get(area_code), f"{batch.occupation}{batch.start_date:%Y%m}期花名册", rows)
        if completed and batch.end_date < timezone.localdate():
            _complete(batch, clerks.get(area_code), rng)
    _preview_with_errors(areas, clerks, rng)
    batches += _entrepreneurship_batch(areas, clerks)
    return {"batches": batches, "enrolments": Enrolment.objects.count()}


# A 创业培训 batch at 灵山县's 农民工创业园 (plan 三（三）2): no skill certificate, its own 创业培训合格证书.
ENTREPRENEURSHIP_BATCH = ("450721", "灵山刮粉制作工", "2025-09-08", "2025-09-19", 12)


def _entrepreneurship_batch(areas, clerks) -> int:
    area_code, occupation, start, end, count = ENTREPRENEURSHIP_BATCH
    area, clerk = areas[area_code], clerks.get(area_code)
    keys = {
        "area": area,
        "occupation": Occupation.objects.get(name=occupation),
        "provider": None,
        "start_date": datetime.date.fromisoformat(start),
        "end_date": datetime.date.fromisoformat(end),
    }
    batch = batch_find(**keys)
    if batch is None:
        batch = batch_create(
            user=clerk,
            **keys,
            mode=TrainingBatch.Mode.ENTREPRENEURSHIP,
            name=f"灵山县农民工创业园创业培训班（{occupation}，{start[:7]}）",
            status=TrainingBatch.Status.COMPLETED,
        )
    rng = random.Random(2025)  # its own sequence: the other batches' people stay as they were
    if not batch.enrolments.exists():
        rows = [_person(rng, area, number) for number in range(count)]
        _import_roster(batch, clerk, f"创业培训{batch.start_date:%Y%m}期花名册", rows)
    if not batch.enrolments.filter(completed=True).exists():
        entries = [
            ResultEntry(
                enrolment_id=enrolment.pk,
                completed=number != count - 1,
                assessment="passed" if number != count - 1 else "absent",
                certificate=Enrolment.Certificate.ENTREPRENEURSHIP if number != count - 1 else "",
                certificate_number=f"CY{batch.end_date:%Y}{batch.pk:03d}{number:04d}" if number != count - 1 else "",
                certificate_date=batch.end_date if number != count - 1 else None,
            )
            for number, enrolment in enumerate(batch.enrolments.order_by("id"))
        ]
        enrolments_record_results(batch=batch, user=clerk, entries=entries)
    return 1


def _complete(batch: TrainingBatch, clerk, rng: random.Random) -> None:
    """Most trainees finish and pass; some get a certificate. Already-recorded results are kept."""
    if batch.enrolments.filter(completed=True).exists():
        return
    entries = []
    for number, enrolment in enumerate(batch.enrolments.order_by("id")):
        finished = number % 9 != 8
        certificate = "level5" if finished and number % 3 == 0 else "special" if finished and number % 5 == 0 else ""
        entries.append(
            ResultEntry(
                enrolment_id=enrolment.pk,
                completed=finished,
                assessment="passed" if finished else "absent",
                certificate=certificate,
                certificate_number=f"S{batch.end_date:%Y}{batch.pk:03d}{number:04d}" if certificate else "",
                certificate_date=batch.end_date if certificate else None,
            )
        )
    enrolments_record_results(batch=batch, user=clerk, entries=entries)
    TrainingBatch.objects.filter(pk=batch.pk).update(status=TrainingBatch.Status.COMPLETED)


def _preview_with_errors(areas, clerks, rng: random.Random) -> None:
    """An upload waiting in preview with typical mistakes, so the preview page has something to show."""
    batch = TrainingBatch.objects.filter(area=areas["450702"], occupation__name="钦州猪脚粉制作工").first()
    if batch is None or RosterImport.objects.filter(batch=batch).exists():
        return
    rows = [_person(rng, areas["450702"], number) for number in range(12)]
    rows[3][1] = rows[3][1][:-1] + ("0" if rows[3][1][-1] != "0" else "1")  # wrong check digit
    rows[5][3] = "0777-28"  # phone too short
    rows[7][5] = "贫困户"  # not a category of the plan
    rows[9][2] = "女" if rows[9][2] == "男" else "男"  # contradicts the ID number
    rows.append(list(rows[1]))  # the same person twice
    import_upload(
        spec=ROSTER,
        scope=batch,
        user=clerks.get("450702"),
        file_name="钦南区猪脚粉制作工第1期花名册.xlsx",
        content=roster_workbook(rows, title="钦州市钦南区2026年钦州猪脚粉制作工培训花名册"),
    )
