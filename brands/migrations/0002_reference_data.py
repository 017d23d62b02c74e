"""Reference data fixed by 钦政办〔2022〕22号, so that an empty database is already usable.

Brand lines and occupations from section 二, areas from GB/T 2260 (the 钦州港片区 has no GB code
and gets the stable code QZFTZ), targets for 2021–2025 from section 一 and 二."""

import datetime

from django.db import migrations

PLAN_DATE = datetime.date(2022, 7, 13)  # 钦政办〔2022〕22号 was issued on this day

BRANDS = [
    ("housekeeping", "八桂家政", "围绕“一老一小一患”等群体需求的家政类职业（工种）。", 1),
    ("construction", "八桂建工", "农村人居环境整治提升和建筑行业的职业（工种）。", 2),
    ("rice-noodle", "八桂米粉师傅", "钦州特色米粉产业的米粉制作行业职业（工种）。", 3),
    ("local-specialty", "钦州地方特色", "坭兴陶、电商、茶叶、编织、养殖、装备制造等地方特色劳务品牌。", 4),
]

CITY = ("450700", "钦州市", "钦州市", "city", False, 0)
AREAS = [
    ("450702", "钦南区", "钦南区", "district", False, 1),
    ("450703", "钦北区", "钦北区", "district", False, 2),
    ("450721", "灵山县", "灵山县", "county", True, 3),  # 自治区乡村振兴重点帮扶县
    ("450722", "浦北县", "浦北县", "county", False, 4),
    ("QZFTZ", "中国（广西）自由贸易试验区钦州港片区", "自贸区钦州港片区", "zone", False, 5),
]

# (brand, occupation, area codes the plan names for it (empty: the whole city), note)
OCCUPATIONS = [
    ("housekeeping", "母婴护理员", [], ""),
    ("housekeeping", "家务服务员", [], ""),
    ("housekeeping", "家庭照护员", [], ""),
    ("housekeeping", "养老护理员", [], ""),
    ("housekeeping", "病患陪护工", [], ""),
    ("construction", "农村建筑工匠", [], "农村人居环境整治提升"),
    ("construction", "砌筑工", [], ""),
    ("construction", "镶贴工", [], ""),
    ("construction", "混凝土工", [], ""),
    ("construction", "钢筋工", [], ""),
    ("construction", "装配式建造工", [], ""),
    ("rice-noodle", "钦州猪脚粉制作工", [], ""),
    ("rice-noodle", "灵山刮粉制作工", ["450721"], ""),
    ("rice-noodle", "柳州螺蛳粉制作工", [], ""),
    ("rice-noodle", "桂林米粉制作工", [], ""),
    ("local-specialty", "坭兴陶艺师", [], "钦州坭兴陶艺师"),
    ("local-specialty", "电子商务师", [], ""),
    ("local-specialty", "跨境电商师", ["QZFTZ", "450702"], ""),
    ("local-specialty", "物流服务师", ["QZFTZ", "450702"], ""),
    ("local-specialty", "船舶海工", ["QZFTZ"], ""),
    ("local-specialty", "粮油加工储运工", ["QZFTZ"], ""),
    ("local-specialty", "石化操作工", ["QZFTZ"], ""),
    ("local-specialty", "茶叶加工工", ["450721"], ""),
    ("local-specialty", "编织工", ["450722"], ""),
    ("local-specialty", "陈皮加工工", ["450722"], ""),
    ("local-specialty", "大蚝养殖工", ["450702"], ""),
    ("local-specialty", "装备制造工", [], ""),
]

PLAN_NOTE = "钦政办〔2022〕22号"


def load(apps, schema_editor):
    BrandLine = apps.get_model("brands", "BrandLine")
    Area = apps.get_model("brands", "Area")
    Occupation = apps.get_model("brands", "Occupation")
    Target = apps.get_model("brands", "Target")

    brands = {}
    for code, name, description, order in BRANDS:
        brands[code], _ = BrandLine.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )

    code, name, short, kind, key, order = CITY
    city, _ = Area.objects.update_or_create(
        code=code, defaults={"name": name, "short_name": short, "kind": kind, "is_key_county": key, "sort_order": order}
    )
    areas = {}
    for code, name, short, kind, key, order in AREAS:
        areas[code], _ = Area.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "short_name": short, "kind": kind, "is_key_county": key, "sort_order": order,
                "parent": city,
            },
        )

    for order, (brand, name, area_codes, note) in enumerate(OCCUPATIONS, start=1):
        occupation, _ = Occupation.objects.update_or_create(
            name=name,
            defaults={"brand": brands[brand], "description": note, "published_from": PLAN_DATE, "sort_order": order},
        )
        occupation.areas.set([areas[code] for code in area_codes])

    def target(*, brand, metric, value):
        Target.objects.update_or_create(
            area=city, brand=brand, year_from=2021, year_to=2025, metric=metric,
            defaults={"value": value, "note": PLAN_NOTE},
        )

    target(brand=None, metric="trainings", value=12000)
    target(brand=None, metric="jobs", value=10000)
    for brand in brands.values():
        target(brand=brand, metric="trainings", value=3000)
        target(brand=brand, metric="jobs", value=2400)
    target(brand=None, metric="region_training_base", value=1)
    target(brand=None, metric="region_leading_enterprise", value=1)
    target(brand=None, metric="region_expert_studio", value=1)
    target(brand=None, metric="wage_case_closure_percent", value=98)


class Migration(migrations.Migration):
    dependencies = [("brands", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
