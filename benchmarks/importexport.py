"""The yardstick: django-import-export's default ModelResource importing the same roster."""

import io

import python_calamine
import tablib
from import_export import resources

from core.identity import parse_id_number
from training.models import Trainee
from training.roster import EDUCATION_SYNONYMS, TEMPLATE_HEADERS

FIELDS = ("id_number", "name", "sex", "birth_date", "phone", "education", "household_address", "note")
NOTE = (
    "import-export gets the same rows as a tablib Dataset; 性别 and 出生日期 are derived from the ID "
    "(as our import does) because the model requires them, 文化程度 is mapped to its code; "
    "人员类别 and enrolments are left out (our import writes both), and only import_data() is timed."
)


class TraineeResource(resources.ModelResource):
    class Meta:
        model = Trainee
        import_id_fields = ("id_number",)
        fields = FIELDS


def trainee_dataset(content: bytes) -> tablib.Dataset:
    """The roster file's data rows as a Dataset with the model's field names as headers."""
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_index(0).to_python()
    header_index = next(i for i, row in enumerate(rows) if list(row[: len(TEMPLATE_HEADERS)]) == TEMPLATE_HEADERS)
    position = {header: index for index, header in enumerate(rows[header_index])}
    dataset = tablib.Dataset(headers=list(FIELDS))
    for row in rows[header_index + 1 :]:
        identity = parse_id_number(row[position["身份证号码"]])
        dataset.append(
            (
                identity.number,
                row[position["姓名"]],
                identity.sex,
                identity.birth_date.isoformat(),
                row[position["联系电话"]],
                EDUCATION_SYNONYMS.get(row[position["文化程度"]], ""),
                row[position["户籍地址"]],
                row[position["备注"]] or "",
            )
        )
    return dataset


def import_with_import_export(dataset: tablib.Dataset) -> None:
    result = TraineeResource().import_data(dataset, dry_run=False, raise_errors=True)
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("django-import-export reported errors on a clean roster")
