"""Demo organisations and recognitions (idempotent), for `load_demo`."""

from brands.models import CITY_AREA_CODE, Area, Organisation, Recognition
from brands.services import organisation_upsert
from core.credit_code import make_uscc

# (area code, name, kind)
DEMO_ORGANISATIONS = [
    ("450702", "钦州市钦南区众创职业培训学校", Organisation.Kind.TRAINING_PROVIDER),
    ("450702", "钦州市阿蚝海产养殖有限公司", Organisation.Kind.ENTERPRISE),
    ("450702", "钦南区零工市场", Organisation.Kind.GIG_MARKET),
    ("450703", "钦北区技工学校", Organisation.Kind.VOCATIONAL_SCHOOL),
    ("450703", "钦州市好帮手家政服务有限公司", Organisation.Kind.ENTERPRISE),
    ("450721", "灵山县职业技术学校", Organisation.Kind.VOCATIONAL_SCHOOL),
    ("450721", "灵山县刮粉食品有限公司", Organisation.Kind.ENTERPRISE),
    ("450721", "灵山县农民工创业园", Organisation.Kind.INCUBATION_BASE),
    ("450722", "浦北县编织工艺职业培训中心", Organisation.Kind.TRAINING_PROVIDER),
    ("450722", "浦北县人力资源服务有限公司", Organisation.Kind.HR_AGENCY),
    ("QZFTZ", "钦州港片区公共实训基地", Organisation.Kind.PUBLIC_TRAINING_BASE),
    ("QZFTZ", "钦州港跨境电商产业园运营有限公司", Organisation.Kind.ENTERPRISE),
    (CITY_AREA_CODE, "钦州市坭兴陶艺有限公司", Organisation.Kind.ENTERPRISE),
]


def load() -> dict[str, int]:
    areas = {area.code: area for area in Area.objects.all()}
    created = 0
    organisations = {}
    for serial, (area_code, name, kind) in enumerate(DEMO_ORGANISATIONS, start=1):
        admin_code = area_code if area_code.isdigit() else CITY_AREA_CODE
        organisation, was_created = organisation_upsert(
            name=name,
            kind=kind,
            area=areas[area_code],
            uscc=make_uscc(admin_code=admin_code, serial=20220000 + serial),
            contact_person="联系人" + str(serial),
            contact_phone=f"0777-{5200000 + serial}",
        )
        organisations[name] = organisation
        created += was_created
    Recognition.objects.get_or_create(
        organisation=organisations["钦州市坭兴陶艺有限公司"],
        kind=Recognition.Kind.LEADING_ENTERPRISE,
        level=Recognition.Level.CITY,
        defaults={"year": 2023, "document_number": "钦人社发〔2023〕示例号"},
    )
    return {"organisations": len(organisations), "organisations_created": created}
