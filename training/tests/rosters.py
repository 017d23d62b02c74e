"""Building ID numbers and roster workbooks for tests and benchmarks."""

import datetime
import io

from openpyxl import Workbook

from core.identity import check_character
from core.imports import reading
from core.imports import services as imports
from training.roster import TEMPLATE_HEADERS
from training.roster_import import ROSTER


def make_id(
    *, area: str = "450702", birth: datetime.date = datetime.date(1990, 5, 17), serial: int = 12, sex: str = "M"
) -> str:
    """A valid 18-digit ID: the 17th digit is odd for men, even for women."""
    order = serial * 10 + (1 if sex == "M" else 2)
    first17 = f"{area}{birth:%Y%m%d}{order % 1000:03d}"
    return first17 + check_character(first17)


def person_ids(count: int, *, start: int = 0, area: str = "450702") -> list[str]:
    """`count` distinct valid IDs of adults born 1970–1999."""
    ids = []
    for index in range(start, start + count):
        birth = datetime.date(1970 + index % 30, 1 + index // 30 % 12, 1 + index // 360 % 28)
        serial = index // (360 * 28) % 100
        ids.append(make_id(area=area, birth=birth, serial=serial, sex="M" if index % 2 else "F"))
    return ids


def make_roster(
    rows: list[list], *, headers: list[str] | None = None, title_rows: list[str] = (), id_as_text: bool = True
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers or TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def valid_row(
    id_number: str,
    *,
    name: str = "张三",
    phone: str = "13800138000",
    education: str = "初中",
    categories: str = "脱贫人口",
    address: str = "广西钦州市钦南区",
    note: str = "",
) -> list:
    sex = "男" if int(id_number[16]) % 2 else "女"
    return [name, id_number, sex, phone, education, categories, address, note]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玲红梅琳鹏飞宇浩然思雨欣怡佳俊婷雪文斌宁"


def chinese_name(number: int) -> str:
    """A plausible two- or three-character name for row `number`."""
    surname = SURNAMES[number % len(SURNAMES)]
    first = GIVEN[(number // len(SURNAMES)) % len(GIVEN)]
    if number % 3:
        return surname + first
    return surname + first + GIVEN[(number * 7) % len(GIVEN)]


def read_roster(content: bytes, *, rules, keep_raw: bool = False):
    """A roster as the pipeline reads it (header, rows checked by the roster spec)."""
    return reading.read_sheet(ROSTER, content, rules=rules, keep_raw=keep_raw)


def estimate_rows(content: bytes) -> int:
    return reading.estimate_rows(ROSTER, content)


# The roster import's calls on the pipeline, as the tests make them (the report as its JSON).


def roster_process(*, content: bytes, batch, commit: bool, skip_invalid: bool, mark_completed: bool = False, **more):
    report = imports.import_process(
        spec=ROSTER,
        scope=batch,
        content=content,
        commit=commit,
        skip_invalid=skip_invalid,
        options={"mark_completed": mark_completed},
        **more,
    )
    return report.to_json()


def roster_upload(*, batch, **arguments):
    return imports.import_upload(spec=ROSTER, scope=batch, **arguments)


def roster_request_commit(*, roster_import, user, skip_invalid: bool):
    return imports.import_request_commit(spec=ROSTER, record=roster_import, user=user, skip_invalid=skip_invalid)


def roster_cancel(*, roster_import, user):
    return imports.import_cancel(spec=ROSTER, record=roster_import, user=user)


def roster_import_from_file(*, batch, via: str = "命令行导入", **arguments):
    record, report = imports.import_from_file(spec=ROSTER, scope=batch, via=via, **arguments)
    return record, report.to_json()
