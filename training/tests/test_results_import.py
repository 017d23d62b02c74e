"""The batch results sheet (结业考核成绩表), the third spec on the import pipeline, as a clerk uses it:
download the batch's sheet, fill it in, upload, read the preview, commit."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEntry
from dashboard.selectors import progress_summary
from training.models import Enrolment, ResultsImport, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号码", "是否结业", "考核结果", "证书类型", "证书编号", "发证日期"]
LEVEL5 = "职业技能等级证书（五级/初级工）"


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 3, 20))


@pytest.fixture
def people(batch):
    return [
        EnrolmentFactory(batch=batch, trainee=TraineeFactory(name=name)).trainee for name in ("黄秀英", "李明", "陈丽")
    ]


def sheet(rows: list[list], headers=HEADERS) -> bytes:
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, batch, content: bytes, name: str = "成绩表.xlsx"):
    response = client.post(
        reverse("training:results_upload", args=[batch.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()
    return response["Location"], client.get(response["Location"]).content.decode()


def commit(client, location: str, mode: str = "all") -> str:
    record = ResultsImport.objects.latest("pk")
    client.post(reverse("training:results_commit", args=[record.pk]), {"mode": mode})
    return client.get(location).content.decode()


def trainings_2024() -> int:
    return progress_summary(year=2024)["city"]["trainings"]


def test_the_batch_page_offers_the_sheet_next_to_the_results_form(clerk_client, batch, people):
    page = clerk_client.get(reverse("training:batch_detail", args=[batch.pk])).content.decode()
    assert "导入成绩表" in page and reverse("training:results_upload", args=[batch.pk]) in page
    results_page = clerk_client.get(reverse("training:batch_results", args=[batch.pk])).content.decode()
    assert "导入成绩表" in results_page and reverse("training:results_upload", args=[batch.pk]) in results_page
    upload_page = clerk_client.get(reverse("training:results_upload", args=[batch.pk])).content.decode()
    assert reverse("training:results_template", args=[batch.pk]) in upload_page


def test_the_downloaded_sheet_lists_the_batch_people_masked_and_is_an_audited_export(clerk_client, batch, people):
    response = clerk_client.get(reverse("training:results_template", args=[batch.pk]))
    rows = list(load_workbook(io.BytesIO(response.content))["成绩表"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert {row[1] for row in rows[1:]} == {person.masked_id_number for person in people}
    assert not any(person.id_number in str(rows) for person in people)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, subject__contains="成绩表模板").count() == 1


def test_upload_preview_commit_records_results_and_moves_the_trainings_figure(clerk_client, batch, people):
    template = clerk_client.get(reverse("training:results_template", args=[batch.pk])).content
    workbook = load_workbook(io.BytesIO(template))
    for row in workbook["成绩表"].iter_rows(min_row=2):
        if row[0].value == "黄秀英":
            row[2].value, row[3].value, row[4].value, row[5].value, row[6].value = (
                "是",
                "优秀",
                LEVEL5,
                "ZS 001",
                "2024.3.25",
            )
        elif row[0].value == "李明":
            row[2].value, row[3].value = "结业", "合格"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = trainings_2024()

    location, page = upload(clerk_client, batch, buffer.getvalue())
    assert "将更新学员" in page and "无变化" in page
    assert people[0].masked_id_number in page and people[0].id_number not in page
    assert "是否结业" in page and LEVEL5 in page and "ZS001" in page and "2024-03-25" in page
    assert not Enrolment.objects.filter(completed=True).exists()  # nothing is written before the clerk confirms

    page = commit(clerk_client, location)
    assert "已导入" in page and "更新了 2 名学员" in page
    huang = Enrolment.objects.get(trainee=people[0])
    assert (huang.completed, huang.assessment, huang.certificate) == (True, "passed", "level5")
    assert (huang.certificate_number, huang.certificate_date) == ("ZS001", datetime.date(2024, 3, 25))
    assert Enrolment.objects.get(trainee=people[1]).completed
    assert not Enrolment.objects.get(trainee=people[2]).completed
    assert trainings_2024() == before + 2

    # The same sheet again: the preview says nothing changes, the commit changes nothing, nothing counts twice.
    location, page = upload(clerk_client, batch, buffer.getvalue(), name="再次上传.xlsx")
    assert ResultsImport.objects.latest("pk").report["updated"] == 0
    assert "将更新 0 名学员" in page
    commit(clerk_client, location)
    assert trainings_2024() == before + 2
    assert ResultsImport.objects.latest("pk").updated_count == 0
    assert "成绩表导入记录" in clerk_client.get(reverse("training:results_list")).content.decode()


def test_every_rule_of_the_service_is_a_row_error_in_the_preview(clerk_client, batch, people, other_area):
    elsewhere = EnrolmentFactory(
        batch=TrainingBatchFactory(area=other_area), completed=True, certificate="level5", certificate_number="TAKEN1"
    )
    outsider = TraineeFactory(name="韦强")
    EnrolmentFactory(batch=TrainingBatchFactory(area=other_area), trainee=outsider)
    huang, li, chen = people
    zhou, wu = (EnrolmentFactory(batch=batch, trainee=TraineeFactory(name=name)).trainee for name in ("周杰", "吴敏"))
    content = sheet(
        [
            ["黄秀英", huang.id_number, "否", "合格", LEVEL5, "A1", ""],  # 2: certificate without completion
            ["李明", li.id_number, "是", "合格", LEVEL5, "", ""],  # 3: certificate without a number
            ["陈丽", chen.id_number, "是", "合格", LEVEL5, "A3", "2024-02-01"],  # 4: date before the start
            ["周杰", zhou.masked_id_number, "是", "", "创业培训合格证书", "A4", ""],  # 5: not an 创业培训 batch
            ["吴敏", wu.masked_id_number, "是", "", LEVEL5, "taken1", ""],  # 6: number held in another area
            ["韦强", outsider.id_number, "是", "", "", "", ""],  # 7: enrolled elsewhere, not in this batch
            ["黄小英", huang.id_number, "是", "", "", "", ""],  # 8: a name that is not the enrolment's
            ["黄秀英", huang.id_number, "也许", "优良", "本科", "", "3月5日"],  # 9: unreadable cells
        ]
    )
    _location, page = upload(clerk_client, batch, content)
    assert "第 2 行" in page and "未结业的学员不能登记证书" in page
    assert "登记证书时请填写证书编号" in page
    assert "发证日期不能早于开班日期" in page
    assert "创业培训合格证书只能登记在培训方式为“创业培训”的班期" in page
    assert "编号“TAKEN1”已登记给另一名学员" in page
    assert elsewhere.trainee.name not in page  # the holder is not named
    assert "该身份证号码不在本班期的花名册中" in page
    assert "姓名与登记信息不一致" in page
    assert "是否结业“也许”无法识别" in page and "考核结果“优良”无法识别" in page and "证书类型“本科”无法识别" in page
    assert "发证日期“3月5日”无法识别" in page
    report = ResultsImport.objects.get().report
    assert report["error_rows"] == 8 and report["valid"] == 0
    assert {error["row"] for error in report["errors"]} == set(range(2, 10))
    assert {e["column"] for e in report["errors"] if e["row"] == 5} == {"证书类型"}
    assert "全部导入" in page and not Enrolment.objects.filter(batch=batch, completed=True).exists()
    # The checked file with a column saying what to fix, to correct and upload again (an audited export).
    errors = clerk_client.get(reverse("training:results_errors", args=[ResultsImport.objects.get().pk]))
    cells = [
        str(cell)
        for row in load_workbook(io.BytesIO(errors.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert any("未结业的学员不能登记证书" in cell for cell in cells)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, subject__contains="成绩表导入").exists()


def test_repeats_in_the_file_and_valid_rows_only(clerk_client, batch, people):
    huang, li, chen = people
    content = sheet(
        [
            ["黄秀英", huang.id_number, "是", "合格", LEVEL5, "B1", "2024-03-25"],
            ["李明", li.id_number, "是", "合格", LEVEL5, "b 1", ""],  # the same number as row 2
            ["黄秀英", huang.masked_id_number, "是", "", "", "", ""],  # the same person as row 2
            ["陈丽", chen.id_number, "是", "", "", "", ""],
        ]
    )
    location, page = upload(clerk_client, batch, content)
    assert "证书编号“B1”与第 2 行的相同" in page
    assert "与第 2 行重复" in page
    page = commit(clerk_client, location, mode="valid")
    assert "仅导入了有效行" in page
    assert set(Enrolment.objects.filter(completed=True).values_list("trainee__name", flat=True)) == {"黄秀英", "陈丽"}


def test_entrepreneurship_batches_take_their_certificate(clerk_client, batch, people):
    TrainingBatch.objects.filter(pk=batch.pk).update(mode=TrainingBatch.Mode.ENTREPRENEURSHIP)
    content = sheet([["李明", people[1].id_number, "是", "合格", "创业培训证书", "CY-9", "2024/3/21"]])
    location, _page = upload(clerk_client, batch, content)
    commit(clerk_client, location)
    assert Enrolment.objects.get(trainee=people[1]).certificate == Enrolment.Certificate.ENTREPRENEURSHIP


def test_another_areas_clerk_finds_nothing(client, other_clerk, clerk_client, batch, people):
    upload(clerk_client, batch, sheet([["李明", people[1].id_number, "是", "", "", "", ""]]))
    record = ResultsImport.objects.get()
    client.force_login(other_clerk)
    for url in (
        reverse("training:results_upload", args=[batch.pk]),
        reverse("training:results_template", args=[batch.pk]),
        reverse("training:results_detail", args=[record.pk]),
        reverse("training:results_errors", args=[record.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("training:results_commit", args=[record.pk]), {"mode": "all"}).status_code == 404
    assert record.file_name not in client.get(reverse("training:results_list")).content.decode()
    assert not Enrolment.objects.filter(completed=True).exists()


def test_a_sheet_written_by_libreoffice_with_dotted_dates(tmp_path, clerk_client, batch, people):
    """Another program's workbook (not openpyxl's): text ID column, a date typed as 2024.3.22."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "成绩表.csv"
    lines = [",".join(HEADERS), f"李明,{people[1].id_number},是,合格,五级,LO-7,2024.3.22"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless"]
    # Comma, double quote, UTF-8, from line 1; columns 2 (ID) and 7 (the dotted date) as text.
    command += ["--infilter=CSV:44,34,76,1,2/2/7/2", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, check=True, capture_output=True)
    location, _page = upload(clerk_client, batch, (tmp_path / "成绩表.xlsx").read_bytes())
    assert ResultsImport.objects.get().error_rows == 0, ResultsImport.objects.get().report["errors"]
    commit(clerk_client, location)
    li = Enrolment.objects.get(trainee=people[1])
    assert (li.certificate, li.certificate_number, li.certificate_date) == (
        "level5",
        "LO-7",
        datetime.date(2024, 3, 22),
    )


def test_a_large_sheet_is_checked_and_written_by_the_task_queue(
    settings, clerk_client, batch, people, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 1  # Celery runs in the test's process (conftest)
    rows = [[person.name, person.masked_id_number, "是", "合格", "", "", ""] for person in people]
    with django_capture_on_commit_callbacks(execute=True):
        location, _page = upload(clerk_client, batch, sheet(rows))
    assert "将更新 3 名学员" in clerk_client.get(location).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        commit(clerk_client, location)
    assert ResultsImport.objects.get().status == ResultsImport.Status.COMMITTED
    assert Enrolment.objects.filter(batch=batch, completed=True, assessment="passed").count() == 3


def test_a_number_taken_between_preview_and_commit_writes_nothing(clerk_client, batch, people, other_area):
    location, page = upload(clerk_client, batch, sheet([["李明", people[1].id_number, "是", "", LEVEL5, "R-1", ""]]))
    assert "检查通过" in page
    EnrolmentFactory(
        batch=TrainingBatchFactory(area=other_area), completed=True, certificate="level5", certificate_number="R-1"
    )
    page = commit(clerk_client, location)
    assert "复核时发现错误行，未写入任何记录" in page and "已登记给另一名学员" in page
    assert not Enrolment.objects.filter(batch=batch, completed=True).exists()


def test_a_refusal_of_the_service_at_the_last_moment_fails_the_import_with_its_words(
    monkeypatch, clerk_client, batch, people, other_area
):
    """Two clerks saving one number at the same moment: the database constraint decides, the service says
    why, and the import is marked failed with nothing written (not a 500, not 正在导入 for ever)."""
    location, _page = upload(clerk_client, batch, sheet([["李明", people[1].id_number, "是", "", LEVEL5, "R-2", ""]]))
    EnrolmentFactory(
        batch=TrainingBatchFactory(area=other_area), completed=True, certificate="level5", certificate_number="R-2"
    )
    monkeypatch.setattr("training.services.certificates_taken", lambda pairs, exclude: set())  # the race
    page = commit(clerk_client, location)
    assert ResultsImport.objects.get().status == ResultsImport.Status.FAILED
    assert "证书编号与刚登记的另一张证书重复" in page
    assert not Enrolment.objects.filter(batch=batch, completed=True).exists()


def test_a_reviewer_may_look_but_not_upload_and_the_list_does_not_grow_in_queries(
    client, reviewer, clerk_client, batch, people, django_assert_max_num_queries
):
    content = sheet([["李明", people[1].id_number, "是", "", "", "", ""]])
    for count in (2, 10):
        while ResultsImport.objects.count() < count:
            upload(clerk_client, batch, content)
        with django_assert_max_num_queries(12):
            page = clerk_client.get(reverse("training:results_list")).content.decode()
        assert page.count("成绩表.xlsx") == count
    client.force_login(reviewer)
    assert client.get(reverse("training:results_list")).status_code == 200
    assert client.get(reverse("training:results_upload", args=[batch.pk])).status_code == 403
    assert client.get(reverse("training:results_template", args=[batch.pk])).status_code == 403


def test_a_sheet_without_result_columns_is_refused_with_what_it_lacks(clerk_client, batch, people):
    response = clerk_client.post(
        reverse("training:results_upload", args=[batch.pk]),
        {
            "file": SimpleUploadedFile(
                "花名册.xlsx", sheet([["李明", people[1].id_number]], headers=["姓名", "身份证号码"])
            )
        },
    )
    assert response.status_code == 200
    assert "表头缺少必填列：“是否结业”" in response.content.decode()
    assert not ResultsImport.objects.exists()


def test_an_older_results_preview_says_it_is_out_of_date_after_a_commit_into_the_batch(clerk_client, batch, people):
    content = sheet([["陈丽", people[2].id_number, "是", "", "", "", ""]])
    older, _page = upload(clerk_client, batch, content)
    newer, _page = upload(clerk_client, batch, content)
    commit(clerk_client, newer)
    page = clerk_client.get(older).content.decode()
    assert "本班期在此预览之后已导入过成绩表，预览中的数字可能已过期，请重新上传检查。" in page
    assert reverse("training:results_upload", args=[batch.pk]) in page.split('id="outdated-preview"')[1]
    assert "已过期" not in clerk_client.get(newer).content.decode()
