"""Bulk referral import: row errors with their Excel row numbers, header detection, duplicates in the file
and against the database, re-imports, all-or-nothing commits, refused files, other areas, query counts."""

import datetime
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.scoping import scope_for
from brands.models import Organisation
from brands.tests.factories import OrganisationFactory
from core.identity import parse_id_number
from core.spreadsheets import DAMAGED, NOT_A_WORKBOOK, SpreadsheetError
from employment import referral_import as importer
from employment.models import JobReferral, ReferralImport
from employment.tests import referral_sheets
from training.models import Enrolment, Trainee
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids
from training.tests.test_roster import docx_like, lying_zip_bomb, minimal_xlsx, ole_file, text_row, zip_bomb

pytestmark = pytest.mark.django_db

D = datetime.date
HEADERS = importer.TEMPLATE_HEADERS  # 身份证号码 姓名 用人单位 推荐岗位 推荐日期 推荐渠道 推荐结果 备注
EMPLOYER = "钦州市好帮手家政服务有限公司"
DAY = D(2025, 3, 18)
NOT_OURS = "该身份证号码不是本县区的培训学员，请核对。"


# --- building sheets and people ----------------------------------------------------------------------

# Rows written: INSERT statements, and COPY on PostgreSQL (the referral standings of many people at once).
WRITES = ("INSERT", "COPY")


def row(person, **changes) -> list:
    """A valid sheet row for `person` in the template's column order; change cells by field name."""
    values = {
        "id_number": person.id_number,
        "name": person.name,
        "employer": EMPLOYER,
        "position": "家政服务员",
        "referred_on": DAY,
        "channel": "专场招聘",
        "result": "待反馈",
        "note": "",
    }
    values.update(changes)
    return list(values.values())


def sheet(rows, *, headers=HEADERS, title_rows=()) -> bytes:
    return make_roster(rows, headers=headers, title_rows=title_rows)


def upload(user, rows, *, area=None, **sheet_options) -> ReferralImport:
    return referral_sheets.referral_upload(
        user=user, file_name="岗位推荐.xlsx", content=sheet(rows, **sheet_options), area=area
    )


def commit(referral_import, user, *, skip_invalid=False) -> ReferralImport:
    referral_sheets.referral_commit(referral_import=referral_import, user=user, skip_invalid=skip_invalid)
    referral_import.refresh_from_db()
    return referral_import


def recorded() -> list[tuple]:
    return sorted(
        JobReferral.objects.values_list(
            "trainee__name", "area__code", "employer__name", "employer_name", "position", "referred_on", "channel"
        )
    )


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area)


@pytest.fixture
def people(batch):
    """Four trainees of 钦南区 (the clerk's area)."""
    trainees = [TraineeFactory(name=name) for name in ("黄秀英", "李明", "陈丽", "韦强")]
    for trainee in trainees:
        EnrolmentFactory(trainee=trainee, batch=batch)
    return trainees


@pytest.fixture
def outsider(other_area):
    """A trainee of 钦北区 only."""
    trainee = TraineeFactory(name="覃海燕")
    EnrolmentFactory(trainee=trainee, batch=TrainingBatchFactory(area=other_area))
    return trainee


@pytest.fixture
def employer(area):
    return OrganisationFactory(name=EMPLOYER, kind=Organisation.Kind.ENTERPRISE, area=area)


# --- preview and commit ------------------------------------------------------------------------------


def test_a_clean_sheet_is_previewed_then_committed(clerk, area, people, employer):
    rows = [row(people[0]), row(people[1], employer="某某餐饮店", channel="零工市场", result="已录用", note="试工一周")]
    referral_import = upload(clerk, rows)
    assert referral_import.status == ReferralImport.Status.PREVIEW
    assert (referral_import.rows, referral_import.valid_rows, referral_import.error_rows) == (2, 2, 0)
    report = referral_import.report
    assert (report["created"], report["existing"], report["trainees"], report["committed"]) == (2, 0, 2, False)
    assert [item["employer_matched"] for item in report["referrals"]] == [True, False]
    assert report["referrals"][0]["id_number"].count("*") == 8  # masked in the stored preview
    assert JobReferral.objects.count() == 0  # nothing is written before the clerk confirms

    referral_import = commit(referral_import, clerk)
    assert referral_import.status == ReferralImport.Status.COMMITTED
    assert referral_import.created_count == 2
    second, first = JobReferral.objects.get(trainee=people[0]), JobReferral.objects.get(trainee=people[1])
    assert (second.employer, second.employer_name, second.result) == (employer, "", JobReferral.Result.PENDING)
    assert (first.employer, first.employer_name) == (None, "某某餐饮店")
    assert (first.channel, first.result, first.note) == ("gig_market", "hired", "试工一周")
    assert {r.area for r in (first, second)} == {area}
    assert {r.created_by for r in (first, second)} == {clerk}
    assert first.referred_on == DAY


def test_a_city_user_uploads_for_the_area_chosen_and_may_refer_any_trainee(city_admin, other_area, people, outsider):
    referral_import = upload(city_admin, [row(people[0]), row(outsider)], area=other_area)
    assert (referral_import.area, referral_import.error_rows) == (other_area, 0)
    commit(referral_import, city_admin)
    assert set(JobReferral.objects.values_list("area", flat=True)) == {other_area.pk}


def test_an_organisation_of_another_area_is_not_matched_and_the_name_is_kept(clerk, other_area, people):
    OrganisationFactory(name=EMPLOYER, kind=Organisation.Kind.ENTERPRISE, area=other_area)
    commit(upload(clerk, [row(people[0])]), clerk)
    referral = JobReferral.objects.get()
    assert (referral.employer, referral.employer_name) == (None, EMPLOYER)


# --- row errors --------------------------------------------------------------------------------------


def future() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


ROW_ERRORS = {
    "wrong check digit": (
        {"id_number": lambda person: person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")},
        "身份证号码",
        "身份证号码校验位不正确，请逐位核对（常见原因：录入错一位或两位颠倒）。",
    ),
    "ID stored as a number": (
        {"id_number": 450702199005171234},
        "身份证号码",
        "身份证号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。",
    ),
    "ID missing": ({"id_number": None}, "身份证号码", "身份证号码未填写。"),
    "not in the registry": ({"id_number": person_ids(1, start=9000)[0]}, "身份证号码", NOT_OURS),
    "name missing": ({"name": ""}, "姓名", "姓名未填写。"),
    "name not as registered": ({"name": "黄秀"}, "姓名", "姓名与登记的“黄秀英”不一致，请核对姓名或身份证号码。"),
    "employer missing": ({"employer": " "}, "用人单位", "用人单位未填写。"),
    "employer too long": ({"employer": "单" * 101}, "用人单位", "用人单位过长（101 个字），最多 100 个字。"),
    "position missing": ({"position": None}, "推荐岗位", "推荐岗位未填写。"),
    "date missing": ({"referred_on": None}, "推荐日期", "推荐日期未填写。"),
    "date unreadable": (
        {"referred_on": "3月18日"},
        "推荐日期",
        "推荐日期“3月18日”无法识别：请填写日期，如 2025-03-18、2025/3/18、2025.3.18 或 2025年3月18日。",
    ),
    "date not real": ({"referred_on": "2025-02-30"}, "推荐日期", "推荐日期“2025-02-30”不是真实的日期，请核对。"),
    "date as a number": (
        {"referred_on": 45734},
        "推荐日期",
        "推荐日期“45734”是数字而不是日期：请把该列设为“日期”格式后重新填写，或按 2025-03-18 的格式填写。",
    ),
    "channel missing": (
        {"channel": ""},
        "推荐渠道",
        "推荐渠道未填写，请填：专场招聘、零工市场、劳务协作、线上、其他。",
    ),
    "channel unknown": (
        {"channel": "朋友介绍"},
        "推荐渠道",
        "推荐渠道“朋友介绍”无法识别，请填：专场招聘、零工市场、劳务协作、线上、其他。",
    ),
    "result unknown": (
        {"result": "已上岗"},
        "推荐结果",
        "推荐结果“已上岗”无法识别，请填：待反馈、已录用、未录用/本人放弃、未到场（不填视为“待反馈”）。",
    ),
    "note too long": ({"note": "备" * 201}, "备注", "备注过长（201 个字），最多 200 个字。"),
}


@pytest.mark.parametrize("case", ROW_ERRORS)
def test_each_row_error_has_its_excel_row_header_and_message(clerk, people, case):
    changes, column, message = ROW_ERRORS[case]
    changes = {name: value(people[0]) if callable(value) else value for name, value in changes.items()}
    # A title row, the header on row 2, a good row on row 3: the row in error is row 4 as Excel shows it.
    referral_import = upload(clerk, [row(people[1]), row(people[0], **changes)], title_rows=["钦南区岗位推荐登记表"])
    assert referral_import.report["errors"] == [{"row": 4, "column": column, "message": message}]
    assert (referral_import.error_rows, referral_import.valid_rows) == (1, 1)


def test_a_future_date_is_an_error(clerk, people):
    day = future()
    referral_import = upload(clerk, [row(people[0], referred_on=day)])
    assert referral_import.report["errors"] == [
        {
            "row": 2,
            "column": "推荐日期",
            "message": f"推荐日期 {day:%Y-%m-%d} 晚于今天：只能登记已经做出的推荐，请核对。",
        }
    ]


def test_a_trainee_of_another_area_is_a_row_error_for_a_county_clerk(clerk, people, outsider):
    referral_import = upload(clerk, [row(people[0]), row(outsider)])
    assert referral_import.report["errors"] == [{"row": 3, "column": "身份证号码", "message": NOT_OURS}]
    # The registered name of somebody else's trainee is never shown, even when the typed one is wrong.
    referral_import = upload(clerk, [row(outsider, name="别人")])
    assert referral_import.report["errors"] == [{"row": 2, "column": "身份证号码", "message": NOT_OURS}]


def test_every_error_of_a_row_is_reported_in_column_order(clerk, people):
    referral_import = upload(clerk, [row(people[0], name="黄秀", position="", channel="朋友介绍")])
    assert [error["column"] for error in referral_import.report["errors"]] == ["姓名", "推荐岗位", "推荐渠道"]


@pytest.mark.parametrize(
    "text", ["2025-03-18", "2025/3/18", "2025.3.18", "2025.03.18", "2025年3月18日", "２０２５-０３-１８", " 2025-3-18 "]
)
def test_dates_typed_as_text_are_read(clerk, people, text):
    referral_import = upload(clerk, [row(people[0], referred_on=text)])
    assert referral_import.report["errors"] == []
    assert referral_import.report["referrals"][0]["referred_on"] == "2025-03-18"


def test_a_date_cell_with_a_time_is_read_as_its_day(clerk, people):
    referral_import = upload(clerk, [row(people[0], referred_on=datetime.datetime(2025, 3, 18, 9, 30))])
    assert referral_import.report["referrals"][0]["referred_on"] == "2025-03-18"


def test_result_is_optional_and_pending_by_default(clerk, people):
    commit(upload(clerk, [row(people[0], result=None)]), clerk)
    assert JobReferral.objects.get().result == JobReferral.Result.PENDING


# --- header detection --------------------------------------------------------------------------------


def test_header_synonyms_title_rows_and_ignored_columns(clerk, people):
    headers = ["序号", "学员姓名", "公民身份号码", "招聘单位", "岗位", "推荐日期（必填）", "渠道", "结果", "备注"]
    rows = [
        [1, people[0].name, people[0].id_number, EMPLOYER, "育婴员", DAY, "线上", "", ""],
        [2, people[1].name, people[1].id_number, "", "育婴员", DAY, "线上", "", ""],
        [3],  # a pre-numbered empty line of a printed form is not a row
    ]
    referral_import = upload(
        clerk, rows, headers=headers, title_rows=["钦南区岗位推荐登记表", "填报单位：钦南区人社局"]
    )
    report = referral_import.report
    assert (report["header_row"], report["rows"], report["valid"]) == (3, 2, 1)
    assert report["ignored_columns"] == ["序号"]
    # The header as written in the file, and the message in its words.
    assert report["errors"] == [{"row": 5, "column": "招聘单位", "message": "招聘单位未填写。"}]


def test_blank_rows_are_skipped_and_not_counted(clerk, people):
    referral_import = upload(clerk, [row(people[0]), [None] * 8, ["", " "], row(people[1])])
    assert (referral_import.rows, referral_import.valid_rows) == (2, 2)
    assert [item["row"] for item in referral_import.report["referrals"]] == [2, 5]


def test_a_header_missing_a_required_column_is_refused(clerk, people):
    headers = ["身份证号码", "姓名", "用人单位", "推荐日期", "推荐渠道"]
    with pytest.raises(SpreadsheetError) as problem:
        upload(clerk, [[people[0].id_number, people[0].name, EMPLOYER, DAY, "线上"]], headers=headers)
    assert str(problem.value) == "表头缺少必填列：“推荐岗位”（或“岗位”）。请使用下载的模板，或在表头中补上这些列。"
    assert not ReferralImport.objects.exists()


# --- duplicates and re-imports -----------------------------------------------------------------------


def test_the_same_referral_twice_in_the_file_is_imported_once(clerk, people):
    rows = [
        row(people[0]),
        row(people[0], position="育婴员"),  # another position: another referral
        row(people[0], employer=" 钦州市好帮手家政服务有限公司 ", result="已录用"),  # the first again
        row(people[1]),
    ]
    referral_import = upload(clerk, rows)
    report = referral_import.report
    assert report["duplicates"] == [{"row": 4, "first_row": 2}]
    assert (report["created"], report["valid"], report["rows"]) == (3, 3, 4)
    commit(referral_import, clerk)
    assert JobReferral.objects.count() == 3


def test_a_referral_already_recorded_is_counted_and_not_imported_again(clerk, area, people, employer):
    JobReferral.objects.create(
        trainee=people[0], area=area, employer=employer, position="家政服务员", referred_on=DAY, channel="job_fair"
    )
    JobReferral.objects.create(
        trainee=people[1], area=area, employer_name="某某餐饮店", position="帮厨", referred_on=DAY, channel="other"
    )
    rows = [row(people[0]), row(people[1], employer="某某餐饮店", position="帮厨"), row(people[2])]
    referral_import = upload(clerk, rows)
    assert (referral_import.report["existing_rows"], referral_import.report["created"]) == ([2, 3], 1)
    assert referral_import.existing_rows == 2
    commit(referral_import, clerk)
    assert JobReferral.objects.count() == 3


def test_importing_the_same_sheet_again_changes_nothing(clerk, people, employer):
    rows = [row(person) for person in people]
    commit(upload(clerk, rows), clerk)
    before = recorded()
    again = upload(clerk, rows)
    assert (again.report["created"], again.report["existing"]) == (0, 4)
    again = commit(again, clerk)
    assert (again.status, again.created_count) == (ReferralImport.Status.COMMITTED, 0)
    assert recorded() == before


def test_a_commit_checks_the_database_again(clerk, people):
    """Two previews of one sheet: the second commit finds the first one's referrals and adds nothing."""
    rows = [row(person) for person in people[:3]]
    first, second = upload(clerk, rows), upload(clerk, rows)
    assert second.report["created"] == 3
    commit(first, clerk)
    second = commit(second, clerk)
    assert (second.status, second.created_count, second.existing_rows) == ("committed", 0, 3)
    assert JobReferral.objects.count() == 3


# --- all or nothing ----------------------------------------------------------------------------------


def test_with_errors_all_is_refused_and_valid_only_writes_the_valid_rows(clerk, people):
    referral_import = upload(clerk, [row(people[0]), row(people[1], channel="朋友介绍"), row(people[2])])
    with pytest.raises(ValidationError) as problem:
        commit(referral_import, clerk)
    assert problem.value.messages == ["推荐表有错误行，不能全部导入：请修改后重新上传，或选择“仅导入有效行”。"]
    assert JobReferral.objects.count() == 0
    referral_import = commit(referral_import, clerk, skip_invalid=True)
    assert (referral_import.status, referral_import.created_count, referral_import.skip_invalid) == (
        "committed",
        2,
        True,
    )
    assert sorted(JobReferral.objects.values_list("trainee__name", flat=True)) == ["陈丽", "黄秀英"]


def test_a_committed_or_cancelled_import_cannot_be_committed(clerk, people):
    done = commit(upload(clerk, [row(people[0])]), clerk)
    with pytest.raises(ValidationError, match="当前状态为“已导入”，不能再提交"):
        commit(done, clerk)
    cancelled = upload(clerk, [row(people[1])])
    referral_sheets.referral_cancel(referral_import=cancelled, user=clerk)
    with pytest.raises(ValidationError, match="当前状态为“已取消”"):
        commit(cancelled, clerk)
    assert JobReferral.objects.count() == 1


def test_nothing_valid_cannot_be_committed(clerk, people):
    referral_import = upload(clerk, [row(people[0], channel="")])
    with pytest.raises(ValidationError, match="没有可导入的有效行"):
        commit(referral_import, clerk, skip_invalid=True)


@pytest.mark.django_db(transaction=True)
def test_a_fault_half_way_leaves_nothing(monkeypatch, clerk, people):
    referral_import = upload(clerk, [row(person, position=f"岗位{n}") for person in people for n in range(2)])
    assert referral_import.report["created"] == 8
    monkeypatch.setattr(importer, "CHUNK", 3)
    written = {"before fault": 0}
    real_bulk_create = JobReferral.objects.bulk_create

    def fail_on_the_third_chunk(objs, *args, **kwargs):
        if written["before fault"] >= 6:
            raise DatabaseError("模拟：数据库连接中断")
        created = real_bulk_create(objs, *args, **kwargs)
        written["before fault"] = JobReferral.objects.count()
        return created

    monkeypatch.setattr(JobReferral.objects, "bulk_create", fail_on_the_third_chunk)
    referral_import = commit(referral_import, clerk)

    assert written["before fault"] == 6  # two chunks were in the database when the fault came
    assert JobReferral.objects.count() == 0
    assert (referral_import.status, referral_import.created_count) == ("failed", 0)
    assert referral_import.message == "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"
    monkeypatch.undo()
    # Nothing half-written stands in the way of the same sheet afterwards.
    again = commit(upload(clerk, [row(person, position=f"岗位{n}") for person in people for n in range(2)]), clerk)
    assert (again.status, again.created_count) == ("committed", 8)


# --- refused files -----------------------------------------------------------------------------------


def wide_sheet(data_rows: int) -> bytes:
    return minimal_xlsx(
        text_row(1, HEADERS) + "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, data_rows + 2))
    )


BAD_FILES = {
    "csv named .xlsx": (
        "身份证号码,姓名\n".encode(),
        "文件扩展名是“.xlsx”，但内容是纯文本（CSV）：请把扩展名改为 .csv 后重新上传。",
    ),
    "docx": (docx_like(), NOT_A_WORKBOOK),
    "an .xls cut short": (ole_file("Root Entry", "Workbook"), DAMAGED),
    "password-protected": (
        ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"),
        "文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。",
    ),
    "empty bytes": (b"", "文件是空的，请选择填好的推荐表。"),
    "no header": (make_roster([["张三", "450702"]], headers=["名字", "号码"]), referral_sheets.NO_HEADER),
    "header only": (make_roster([], headers=HEADERS), "推荐表没有数据行：表头下面是空的。"),
    "over 10,000 rows": (wide_sheet(10_001), "推荐表超过 10,000 行，请拆分后分批上传。"),
    "over 20 MB": (b"PK\x03\x04" + bytes(20 * 1024 * 1024), "文件超过 20 MB（当前 20.0 MB），请拆分后分批上传。"),
}


@pytest.mark.parametrize("name", [*BAD_FILES, "zip bomb", "zip bomb with a lying directory"])
def test_an_unusable_file_is_refused_with_one_message_and_nothing_is_stored(clerk, name):
    if name == "zip bomb":
        content = zip_bomb()
        message = "文件解压后超过 400 MB，可能不是正常的表格：请删除无关的工作表、图片后重新上传。"
    elif name == "zip bomb with a lying directory":
        content, message = lying_zip_bomb(), DAMAGED
    else:
        content, message = BAD_FILES[name]
    with pytest.raises(SpreadsheetError) as problem:
        referral_sheets.referral_upload(user=clerk, file_name="岗位推荐.xlsx", content=content)
    assert str(problem.value) == message
    assert not ReferralImport.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------


def post_file(client, content: bytes, name="岗位推荐.xlsx", **extra):
    return client.post(
        reverse("employment:referral_import_upload"), {"file": SimpleUploadedFile(name, content), **extra}
    )


def test_template_has_headers_date_format_drop_downs_and_instructions(clerk_client):
    response = clerk_client.get(reverse("employment:referral_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook["岗位推荐"]
    assert [cell.value for cell in data[1]] == HEADERS
    assert data["A2"].number_format == "@"
    assert data["E2"].number_format == "yyyy-mm-dd"
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in data.data_validations.dataValidation if v.type == "list"
    }
    assert lists == {"F": '"专场招聘,零工市场,劳务协作,线上,其他"', "G": '"待反馈,已录用,未录用/本人放弃,未到场"'}
    assert "填写说明" in workbook.sheetnames


def test_the_template_filled_in_is_accepted(clerk, people):
    """The template as downloaded, with rows typed under its header, goes through."""
    workbook = importer.REFERRALS.template_workbook()
    workbook["岗位推荐"].append(row(people[0]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    referral_import = referral_sheets.referral_upload(user=clerk, file_name="模板.xlsx", content=buffer.getvalue())
    assert (referral_import.rows, referral_import.report["created"]) == (1, 1)


def test_upload_page_preview_and_valid_only_commit(clerk_client, people):
    page = clerk_client.get(reverse("employment:referral_import_upload")).content.decode()
    assert "推荐地区" not in page  # a county clerk records for their own area
    content = sheet([row(people[0]), row(people[1], name="李敏"), row(people[0])], title_rows=["岗位推荐登记表"])
    response = post_file(clerk_client, content)
    referral_import = ReferralImport.objects.get()
    assert response["Location"] == reverse("employment:referral_import_detail", args=[referral_import.pk])
    page = clerk_client.get(response["Location"]).content.decode()
    assert "待确认" in page
    assert "表头在第 2 行" in page
    assert "第 4 行" in page and "姓名与登记的“李明”不一致" in page
    assert "第 5 行" in page  # the repeat
    assert "仅导入 1 条有效行" in page
    assert reverse("employment:worklist") in page

    response = clerk_client.post(
        reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "all"}
    )
    assert "不能全部导入" in clerk_client.get(response["Location"]).content.decode()
    assert JobReferral.objects.count() == 0
    clerk_client.post(reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "valid"})
    page = clerk_client.get(reverse("employment:referral_import_detail", args=[referral_import.pk])).content.decode()
    assert "已导入：新增岗位推荐 1 条" in page
    assert JobReferral.objects.count() == 1


def test_city_upload_form_asks_for_the_area(admin_client_city, other_area, people):
    page = admin_client_city.get(reverse("employment:referral_import_upload")).content.decode()
    assert "推荐地区" in page
    response = post_file(admin_client_city, sheet([row(people[0])]))
    assert response.status_code == 200 and "请选择推荐地区。" in response.content.decode()
    assert not ReferralImport.objects.exists()
    response = post_file(admin_client_city, sheet([row(people[0])]), area=other_area.pk)
    assert ReferralImport.objects.get().area == other_area


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(32), "文件不是表格文件"),
        (b"", "上传的文件是空的"),
        (make_roster([], headers=["序号"]), "没有找到表头行"),
    ],
)
def test_a_bad_file_on_the_page_is_one_error_and_nothing_is_stored(clerk_client, content, message):
    response = post_file(clerk_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReferralImport.objects.exists()


def test_cancel_writes_nothing(clerk_client, people):
    post_file(clerk_client, sheet([row(people[0])]))
    referral_import = ReferralImport.objects.get()
    response = clerk_client.post(reverse("employment:referral_import_cancel", args=[referral_import.pk]), follow=True)
    assert "已取消本次导入" in response.content.decode()
    referral_import.refresh_from_db()
    assert referral_import.status == "cancelled"
    assert JobReferral.objects.count() == 0


def test_error_workbook_has_the_rows_an_error_column_and_no_formulas(clerk_client, people):
    rows = [
        row(people[0]),
        row(people[1], channel="朋友介绍", result="已上岗", note="@SUM(1,2)"),
        [None] * 8,  # a blank row stays blank, so every row keeps its number
        row(people[0]),
        ["-1+2"],
    ]
    post_file(clerk_client, sheet(rows, title_rows=["钦南区岗位推荐登记表"]))
    referral_import = ReferralImport.objects.get()
    response = clerk_client.get(reverse("employment:referral_import_errors", args=[referral_import.pk]))
    assert response.status_code == 200
    lines = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    excel_row = dict(enumerate(lines, start=1))
    assert excel_row[1][0] == "钦南区岗位推荐登记表"
    assert excel_row[2][:2] == ("身份证号码", "姓名")
    assert excel_row[2][-1].startswith("错误说明")
    assert len(lines) == 7
    assert excel_row[3][-1] is None
    assert excel_row[3][4] == datetime.datetime(2025, 3, 18)  # dates stay dates
    assert excel_row[4][-1] == (
        "[推荐渠道] 推荐渠道“朋友介绍”无法识别，请填：专场招聘、零工市场、劳务协作、线上、其他；"
        "[推荐结果] 推荐结果“已上岗”无法识别，请填：待反馈、已录用、未录用/本人放弃、未到场（不填视为“待反馈”）。"
    )
    assert excel_row[4][7] == "'@SUM(1,2)"
    assert set(excel_row[5]) == {None}
    assert excel_row[6][-1] == "与第 3 行是同一次推荐（同一人、单位、岗位、日期），本行不重复导入。"
    assert excel_row[7][0] == "'-1+2"


def test_imports_of_another_area_are_404(client, clerk, other_clerk, people):
    client.force_login(clerk)
    post_file(client, sheet([row(people[0])]))
    referral_import = ReferralImport.objects.get()
    client.force_login(other_clerk)
    for name in ("referral_import_detail", "referral_import_errors"):
        assert client.get(reverse(f"employment:{name}", args=[referral_import.pk])).status_code == 404, name
    for name in ("referral_import_commit", "referral_import_cancel"):
        url = reverse(f"employment:{name}", args=[referral_import.pk])
        assert client.post(url, {"mode": "valid"}).status_code == 404, name
    assert referral_import.file_name not in client.get(reverse("employment:referral_import_upload")).content.decode()
    referral_import.refresh_from_db()
    assert referral_import.status == "preview"
    assert JobReferral.objects.count() == 0


def test_a_reviewer_may_look_but_not_upload_or_commit(client, clerk, reviewer, people):
    client.force_login(clerk)
    post_file(client, sheet([row(people[0])]))
    referral_import = ReferralImport.objects.get()
    client.force_login(reviewer)
    assert post_file(client, sheet([row(people[0])])).status_code == 403
    assert client.get(reverse("employment:referral_import_detail", args=[referral_import.pk])).status_code == 200
    url = reverse("employment:referral_import_commit", args=[referral_import.pk])
    assert client.post(url, {"mode": "all"}).status_code == 403


# --- number of queries -----------------------------------------------------------------------------------


def registered_trainees(batch, count: int, start: int) -> list[Trainee]:
    trainees = []
    for number in person_ids(count, start=start):
        identity = parse_id_number(number)
        trainees.append(Trainee(id_number=number, name="测试", sex=identity.sex, birth_date=identity.birth_date))
    trainees = Trainee.objects.bulk_create(trainees)
    Enrolment.objects.bulk_create([Enrolment(trainee=trainee, batch=batch) for trainee in trainees])
    return list(Trainee.objects.filter(id_number__in=[t.id_number for t in trainees]))


def queries_to_import(clerk, area, trainees) -> tuple[int, int]:
    content = sheet([row(trainee) for trainee in trainees])
    with CaptureQueriesContext(connection) as context:
        report = referral_sheets.referral_process(
            content=content, area=area, user=clerk, commit=True, skip_invalid=False
        )
    assert report["created"] == len(trainees)
    inserts = [query["sql"] for query in context.captured_queries if query["sql"].lstrip().upper().startswith(WRITES)]
    referral_inserts = sum(JobReferral._meta.db_table in sql.split("(")[0] for sql in inserts)
    return len(context.captured_queries) - len(inserts), referral_inserts


def test_the_number_of_queries_does_not_grow_with_the_rows(clerk, area, batch, employer):
    scope_for(clerk)  # the scope is worked out once per request
    trainees = registered_trainees(batch, 220, start=20_000)
    small_reads, small_inserts = queries_to_import(clerk, area, trainees[:20])
    large_reads, large_inserts = queries_to_import(clerk, area, trainees[20:])
    # The import's own reads, plus the summary rows' upkeep: a fixed number per 5,000 people, and one
    # update per referral row the people count in (area and city, that year and all years).
    assert (
        large_reads == small_reads <= 20
    )  # two of them: the months the city locked (accounts.MonthLock), the outcome days
    fields = [f for f in JobReferral._meta.concrete_fields if not f.primary_key]
    per_statement = min(connection.ops.bulk_batch_size(fields, [None] * 200) or 200, importer.CHUNK)
    assert small_inserts == 1
    assert large_inserts == math.ceil(200 / per_statement)


def test_the_error_workbook_is_offered_only_to_those_who_may_take_it(clerk_client, client, city_viewer, people):
    post_file(clerk_client, sheet([row(people[0])]))
    referral_import = ReferralImport.objects.get()
    detail = reverse("employment:referral_import_detail", args=[referral_import.pk])
    errors = reverse("employment:referral_import_errors", args=[referral_import.pk])
    assert errors in clerk_client.get(detail).content.decode()
    client.force_login(city_viewer)
    page = client.get(detail)
    assert page.status_code == 200 and errors not in page.content.decode()
    assert client.get(errors).status_code == 403


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_sheet_has_its_dates_read_from_text_as_excel_and_wps_write_them(encoding):
    """A csv holds the dates as the program showed them; the 推荐日期 column reads each way of writing one."""
    person = person_ids(1)[0]
    lines = [",".join(HEADERS)] + [
        f"{person},张三,{EMPLOYER},家政服务员,{day},专场招聘,待反馈,"
        for day in ("2025/3/18", "2025-03-18", "2025年3月18日")
    ]
    content = "\r\n".join(lines).encode(encoding)
    result = referral_sheets.read_referrals(content, file_name="岗位推荐.csv")
    assert [(row.row, row.referred_on, row.errors) for row in result.rows] == [(2, DAY, []), (3, DAY, []), (4, DAY, [])]


def test_the_preview_says_which_row_a_duplicate_repeats_and_keeps_its_buttons_together(clerk_client, clerk, people):
    referral_import = upload(clerk, [row(people[0]), row(people[1]), row(people[0])])
    page = clerk_client.get(reverse("employment:referral_import_detail", args=[referral_import.pk])).content.decode()
    assert "第 4 行" in page
    assert "与第 2 行是同一次推荐（同一人、单位、岗位、日期），本行不重复导入。" in page
    # 全部导入 and 取消 sit in one group, so 取消 does not wrap onto a line of its own
    actions = page.split('id="import-actions"')[1].split("</form>")[0]
    assert "全部导入" in actions and "取消" in actions
    assert f'formaction="{reverse("employment:referral_import_cancel", args=[referral_import.pk])}"' in actions


def test_an_older_referral_preview_says_it_is_out_of_date_after_a_commit_into_the_area(clerk_client, clerk, people):
    older = upload(clerk, [row(people[0]), row(people[1])])
    commit(upload(clerk, [row(people[0])]), clerk)
    page = clerk_client.get(reverse("employment:referral_import_detail", args=[older.pk])).content.decode()
    assert "本县区在此预览之后已导入过推荐表，预览中的数字可能已过期，请重新上传检查。" in page
    assert reverse("employment:referral_import_upload") in page.split('id="outdated-preview"')[1]
    older = commit(older, clerk)
    assert (older.created_count, JobReferral.objects.count()) == (1, 2)  # the commit itself stays correct
