"""Realistic, valid roster workbooks of any size for the benchmarks.

IDs come from training.tests.rosters.person_ids (the helper the tests use), spread over the five
county-level areas and shuffled; every row passes every check of the import."""

import random
from functools import partial

from demo.training import roster_workbook as demo_roster_workbook
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
# For a roster with every column filled (the 100,000-row benchmark): what clerks write in 备注.
LONG_NOTES = [
    "退役军人，已参加过一次家政培训，希望结业后到广东务工",
    "残疾人（肢体四级），需安排一楼教室，由家属陪同上课",
    "已在钦州港片区企业就业，利用周末参加培训",
    "有意向外出务工，联系人为其配偶，电话13877700000",
    "需安排住宿，家距培训点约40公里，已申请一次性交通补助",
    "易地搬迁安置户，2019年搬迁至灵山县城安置点",
]


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


def roster_rows(count: int, *, seed: int = 20220222, every_column: bool = False) -> list[list]:
    """Rows in the template's column order: name, ID, sex, phone, education, categories, address, note.

    every_column: each row's 人员类别 and 备注 filled too, with a longer address (village committee,
    building and room): the largest realistic file for a given number of rows."""
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
        if every_column:
            categories = "、".join(rng.sample(CATEGORIES, rng.choice((1, 2, 2, 3))))
            address = (
                f"广西壮族自治区钦州市{county}{rng.choice(towns)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}村委会"
                f"{rng.choice(GIVEN)}{rng.choice('山岭塘坡江')}村{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋"
                f"{rng.randrange(101, 999)}室"
            )
            note = rng.choice(LONG_NOTES)
        sex = "男" if int(number[16]) % 2 else "女"
        rows.append([name, number, sex, phone, rng.choice(EDUCATION), categories or None, address, note])
    return rows


# The rows as a printed roster looks: a title row, then the template's header.
roster_workbook = partial(demo_roster_workbook, title=TITLE)
