"""From the worklist export to a filled-in sheet to the upload: the export masks ID numbers and carries a
推荐编号 per row, which the referral import takes in place of the ID number, for the exporting area only.
Files written by openpyxl and by LibreOffice (from a csv); dotted dates (2025.11.12) as the roster takes."""

import datetime
import io
import shutil
import subprocess
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import SpreadsheetError
from employment import referral_import as importer
from employment.models import JobReferral, ReferralImport, ReferralStanding
from employment.referral_keys import ReferralKeyError, referral_key_make, referral_key_read
from employment.tests import referral_sheets
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date
FILL_IN = ["推荐编号", "姓名", "用人单位", "推荐岗位", "推荐日期", "推荐渠道"]


@pytest.fixture
def people(area, recount_tallies):
    batch = TrainingBatchFactory(area=area, start_date=D(2025, 3, 1), end_date=D(2025, 3, 20))
    people = [TraineeFactory(name=name) for name in ("黄一", "蓝二", "陆三")]
    for person in people:
        EnrolmentFactory(trainee=person, batch=batch, completed=True)
    recount_tallies()
    return people


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("employment:worklist_xlsx"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, content: bytes, name="推荐表.xlsx"):
    response = client.post(reverse("employment:referral_import_upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ReferralImport.objects.latest("id")


def keys_by_name(workbook) -> dict[str, str]:
    sheet = workbook.active
    return {row[1]: row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}


def test_the_exported_worklist_filled_in_is_imported_by_its_keys(client, clerk, area, people):
    workbook = export(client, clerk)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[2]]
    column = {header: position for position, header in enumerate(headers, start=1)}
    rows = {sheet.cell(row=r, column=column["姓名"]).value: r for r in range(3, 6)}
    assert set(rows) == {"黄一", "蓝二", "陆三"}
    for person in people:
        assert "********" in sheet.cell(row=rows[person.name], column=column["身份证号码（脱敏）"]).value

    def fill(r, employer, position, day, channel):
        for header, value in zip(
            ["用人单位", "推荐岗位", "推荐日期", "推荐渠道"], [employer, position, day, channel], strict=True
        ):
            sheet.cell(row=r, column=column[header], value=value)

    fill(rows["黄一"], "钦州某家政公司", "育婴员", "2025.11.12", "专场招聘")  # a dotted date, typed as text
    fill(rows["蓝二"], "钦州某酒店", "客房服务员", D(2025, 11, 13), "线上")  # a real date cell
    # A second referral of 黄一: the clerk copies the row (key, name and masked number) below.
    copy = sheet.max_row + 1
    for position in range(1, column["还差次数"] + 1):
        sheet.cell(row=copy, column=position, value=sheet.cell(row=rows["黄一"], column=position).value)
    fill(copy, "钦州某养老院", "养老护理员", "2025.12.1", "零工市场")
    # 陆三 is left as exported: not referred this time, not an error.
    buffer = io.BytesIO()
    workbook.save(buffer)

    referral_import = upload(client, buffer.getvalue())
    assert referral_import.error_rows == 0, referral_import.report["errors"]
    assert referral_import.report["unfilled_rows"] == [rows["陆三"]]
    page = client.get(reverse("employment:referral_import_detail", args=[referral_import.pk])).content.decode()
    assert f"第 {rows['陆三']} 行（共 1 行）只有学员、没有填写推荐内容，未导入" in page
    response = client.post(reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "all"})
    assert response.status_code == 302
    assert sorted(JobReferral.objects.values_list("trainee__name", "position", "referred_on", "area_id")) == [
        ("蓝二", "客房服务员", D(2025, 11, 13), area.pk),
        ("黄一", "养老护理员", D(2025, 12, 1), area.pk),
        ("黄一", "育婴员", D(2025, 11, 12), area.pk),
    ]
    assert ReferralStanding.objects.get(trainee=people[0]).referrals == 2


def test_the_key_hides_the_id_number_and_cannot_be_made_up(people, area):
    person = people[0]
    key = referral_key_make(trainee_id=person.pk, area_id=area.pk)
    assert person.id_number not in key and person.id_number[-6:] not in key
    assert referral_key_read(key).trainee_id == person.pk
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    with pytest.raises(ReferralKeyError, match="推荐编号无效"):
        referral_key_read(forged)
    with pytest.raises(ReferralKeyError, match="推荐编号无效"):
        referral_key_read(referral_key_make(trainee_id=person.pk, area_id=area.pk).replace(":", ";", 1))


def test_an_old_key_is_refused_with_what_to_do(people, area, settings):
    settings.REFERRAL_KEY_MAX_AGE_DAYS = 30
    made_at = time.time() - 31 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=made_at):
        key = referral_key_make(trainee_id=people[0].pk, area_id=area.pk)
    with pytest.raises(ReferralKeyError, match="推荐编号已过期（导出超过 30 天）：请重新导出岗位推荐工作台"):
        referral_key_read(key)


def sheet_with(rows, headers=FILL_IN) -> bytes:
    from training.tests.rosters import make_roster

    return make_roster(rows, headers=headers)


def test_another_areas_key_is_refused_as_an_unknown_person_is(client, clerk, other_clerk, area, other_area, people):
    stranger = TraineeFactory(name="外县人")
    EnrolmentFactory(
        trainee=stranger, batch=TrainingBatchFactory(area=other_area, start_date=D(2025, 1, 1), end_date=D(2025, 1, 20))
    )
    theirs = referral_key_make(trainee_id=stranger.pk, area_id=other_area.pk)  # from the other area's export
    ours_for_them = referral_key_make(trainee_id=people[0].pk, area_id=other_area.pk)  # our person, their key
    made_up = referral_key_make(trainee_id=stranger.pk, area_id=area.pk)  # cannot happen without the secret
    rows = [
        [theirs, "外县人", "某公司", "保洁员", "2025.6.1", "线上"],
        [ours_for_them, "黄一", "某公司", "保洁员", "2025.6.1", "线上"],
        [made_up, "外县人", "某公司", "保洁员", "2025.6.1", "线上"],
        ["not-a-key", "黄一", "某公司", "保洁员", "2025.6.1", "线上"],
    ]
    client.force_login(clerk)
    referral_import = upload(client, sheet_with(rows))
    messages = [(error["row"], error["column"], error["message"]) for error in referral_import.report["errors"]]
    unknown = importer.not_a_trainee_message(area, by_key=True)
    assert messages == [
        (2, "推荐编号", unknown),
        (3, "推荐编号", unknown),
        (4, "推荐编号", unknown),
        (
            5,
            "推荐编号",
            "推荐编号无效：请使用岗位推荐工作台导出表中的推荐编号，不要修改；或删去推荐编号，填写完整的身份证号码。",
        ),
    ]
    assert "外县人" not in str(referral_import.report)  # nothing about the other area's person is told
    # The other area's clerk imports their own key.
    client.force_login(other_clerk)
    referral_import = upload(client, sheet_with(rows[:1]))
    assert referral_import.error_rows == 0 and referral_import.report["created"] == 1


def test_a_name_that_does_not_match_the_key_is_a_row_error(client, clerk, area, people):
    key = referral_key_make(trainee_id=people[0].pk, area_id=area.pk)
    client.force_login(clerk)
    referral_import = upload(client, sheet_with([[key, "别人", "某公司", "保洁员", "2025.6.1", "线上"]]))
    assert [e["message"] for e in referral_import.report["errors"]] == [
        "姓名与登记的“黄一”不一致，请核对姓名或推荐编号。"
    ]


def test_a_sheet_without_a_key_or_id_column_says_which_columns_are_missing(clerk, area):
    content = sheet_with([["黄一", "某公司", "保洁员", "2025.6.1", "线上"]], headers=FILL_IN[1:] + ["推荐结果"])
    with pytest.raises(SpreadsheetError) as problem:
        referral_sheets.referral_upload(user=clerk, file_name="a.xlsx", content=content)
    assert "身份证号码" in str(problem.value)


def libreoffice(tmp_path, csv_text: str, target: str) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "推荐表.csv"
    source.write_text(csv_text, encoding="utf-8")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",  # its own profile: other runs may be converting
            "--headless",
            "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8, from line 1
            "--convert-to",
            target,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return (tmp_path / f"推荐表.{target}").read_bytes()


def test_a_sheet_written_by_libreoffice_with_keys_and_dotted_dates(tmp_path, client, clerk, area, people):
    huang, lan = people[0], people[1]
    lines = [
        ",".join(FILL_IN),
        f"{referral_key_make(trainee_id=huang.pk, area_id=area.pk)},黄一,钦州某公司,育婴员,2025.11.12,专场招聘",
        f"{referral_key_make(trainee_id=lan.pk, area_id=area.pk)},蓝二,钦州某公司,保洁员,2025.3.8,线上",
    ]
    content = libreoffice(tmp_path, "\n".join(lines) + "\n", "xlsx")
    client.force_login(clerk)
    referral_import = upload(client, content)
    assert referral_import.error_rows == 0, referral_import.report["errors"]
    client.post(reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "all"})
    assert sorted(JobReferral.objects.values_list("trainee__name", "referred_on")) == [
        ("蓝二", D(2025, 3, 8)),
        ("黄一", D(2025, 11, 12)),
    ]


def test_a_legacy_xls_from_libreoffice_is_read_like_the_xlsx(tmp_path, client, clerk, area, people):
    """Excel 97–2003 is still the default of many office installs: its sheet is previewed and committed."""
    key = referral_key_make(trainee_id=people[0].pk, area_id=area.pk)
    content = libreoffice(tmp_path, ",".join(FILL_IN) + f"\n{key},黄一,钦州某公司,育婴员,2025.11.12,线上\n", "xls")
    client.force_login(clerk)
    referral_import = upload(client, content, name="推荐表.xls")
    assert referral_import.error_rows == 0, referral_import.report["errors"]
    client.post(reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "all"})
    assert list(JobReferral.objects.values_list("trainee__name", "referred_on")) == [("黄一", D(2025, 11, 12))]
