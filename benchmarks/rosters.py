"""Realistic, valid roster workbooks of any size for the benchmarks.

IDs come from training.tests.rosters.person_ids (the helper the tests use), spread over the five
county-level areas and shuffled; every row passes every check of the import."""

import io
import random

from openpyxl import Workbook

from training.roster import TEMPLATE_HEADERS
from training.tests.rosters import person_ids

TITLE = "钦州市“八桂家政”职业技能培训学员花名册"
AREAS = {
    "450702": ("钦南区", ("尖山街道", "沙埠镇", "康熙岭镇", "犀牛脚镇", "那丽镇")),
    "450703": ("钦北区", ("大寺镇", "大垌镇", "平吉镇", "小董镇", "那蒙镇")),
    "450721": ("灵山县", ("灵城街道", "檀圩镇", "武利镇", "陆屋镇", "那隆镇")),
    "450722": ("浦北县", ("小江街道", "泉水镇", "张黄镇", "寨圩镇", "龙门镇")),
    "452801": ("钦州市", ("向阳街道", "水井街道", "南珠街道")),  # pre-1994 prefix: still valid
}
SURNAMES = "黄李陈梁林刘韦张覃莫苏王杨罗冯何潘劳吴宁谢赖钟庞卢邓蒙甘宋"
GIVEN = "秀玉丽美芳兰英华志强伟明军建国海燕春梅红霞桂凤娟婷静敏勇杰涛斌磊鑫宇浩文思佳琳"
EDUCATION = ["初中"] * 9 + ["小学及以下"] * 3 + ["高中/中专/技校"] * 4 + ["高中", "中专", "大专", "本科", "技校"]
CATEGORIES = [
    "脱贫人口",
    "农村低收入人口",
    "防止返贫监测对象",
    "易地搬迁安置人员",
    "农民工",
    "高校毕业生",
    "就业困难人员",
]
NOTES = ["退役军人", "残疾人", "已就业", "有意向外出务工", "需安排住宿"]


def unique_ids(count: int) -> list[str]:
    """`count` distinct valid IDs over the areas above, in a fixed random order."""
    per_area = -(-count // len(AREAS))
    ids = []
    for area in AREAS:
        ids.extend(person_ids(per_area, area=area))
    ids = ids[:count]
    if len(set(ids)) != count:
        raise RuntimeError(f"person_ids gave {count - len(set(ids))} repeated IDs: extend the generator")
    random.Random(count).shuffle(ids)
    return ids


def roster_rows(count: int, *, seed: int = 20220222) -> list[list]:
    """Rows in the template's column order: name, ID, sex, phone, education, categories, address, note."""
    rng = random.Random(seed)
    rows = []
    for number in unique_ids(count):
        county, towns = AREAS[number[:6]]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        if rng.random() < 0.9:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        else:
            phone = f"0777-{rng.randrange(2000000, 8999999)}"
        roll = rng.random()
        categories = (
            rng.choice(CATEGORIES) if roll < 0.25 else "、".join(rng.sample(CATEGORIES, 2)) if roll < 0.35 else ""
        )
        address = f"广西钦州市{county}{rng.choice(towns)}{rng.choice(GIVEN)}{rng.choice('山岭塘坡江')}村{rng.randrange(1, 99)}号"
        note = rng.choice(NOTES) if rng.random() < 0.05 else None
        sex = "男" if int(number[16]) % 2 else "女"
        rows.append([name, number, sex, phone, rng.choice(EDUCATION), categories or None, address, note])
    return rows


def roster_workbook(rows: list[list]) -> bytes:
    """The rows as a printed roster looks: a title row, then the template's header (openpyxl write_only)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append([TITLE])
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


LEAN_HEADERS = ["姓名", "身份证号码", "联系电话"]


def lean_rows(rows: list[list]) -> list[list]:
    """The required columns plus phone: a 100,000-row roster with every template column
    is about 40 MB of sheet XML, over the 20 MB an upload may inflate to (the zip-bomb limit), so the
    large benchmark uses the columns a big historical roster actually carries."""
    return [[name, number, phone] for name, number, _sex, phone, _edu, _categories, _addr, _note in rows]


def lean_workbook(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(LEAN_HEADERS)
    for row in lean_rows(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
