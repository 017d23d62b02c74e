"""The filled worklist, uploaded: the worklist's export is the sheet the import takes (a spec on core/imports)."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employment.tests.factories import EmploymentOutcomeFactory

from ..models import FollowUp, FollowUpImport
from ..schedule import add_months

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _exported(client) -> openpyxl.Workbook:
    response = client.get(reverse("followups:worklist_xlsx"))
    assert response.status_code == 200
    return openpyxl.load_workbook(
        BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )


def _upload(client, workbook, name="跟踪服务表.xlsx"):
    buffer = BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("followups:import_upload"), {"file": SimpleUploadedFile(name, buffer.getvalue())})
    assert response.status_code == 302, response.content.decode()[:2000]
    return FollowUpImport.objects.latest("pk")


def test_the_exported_worklist_filled_in_and_uploaded_records_follow_ups(clerk_client, area):
    zhang = EmploymentOutcomeFactory(area=area, start_date=add_months(TODAY, -2), trainee__name="张三")
    EmploymentOutcomeFactory(area=area, start_date=add_months(TODAY, -2), trainee__name="李四")
    workbook = _exported(clerk_client)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    rows = {
        sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=2).value
    }
    assert set(rows) == {"张三", "李四"}
    row = rows["张三"]
    assert sheet.cell(row=row, column=1).value == f"GZ-{zhang.pk}-1"
    fill = {
        "跟踪日期": TODAY,
        "是否联系上本人": "是",
        "在岗情况": "原单位在岗",
        "签订劳动合同": "是",
        "缴纳社会保险": "否",
    }
    for header, value in fill.items():
        sheet.cell(row=row, column=headers.index(header) + 1, value=value)

    record = _upload(clerk_client, workbook)
    preview = clerk_client.get(reverse("followups:import_detail", args=[record.pk])).content.decode()
    assert "将登记的跟踪服务" in preview and "张三" in preview
    assert not FollowUp.objects.exists()  # nothing is written before the commit

    clerk_client.post(reverse("followups:import_commit", args=[record.pk]), {"mode": "all"})
    follow_up = FollowUp.objects.get()
    assert (follow_up.outcome_id, follow_up.months, follow_up.employment) == (zhang.pk, 1, "same")
    assert (follow_up.contract_signed, follow_up.social_insurance) == (True, False)

    # The same sheet again records nothing twice.
    again = _upload(clerk_client, workbook)
    clerk_client.post(reverse("followups:import_commit", args=[again.pk]), {"mode": "all"})
    assert FollowUp.objects.count() == 1
    assert FollowUpImport.objects.get(pk=again.pk).existing_rows == 1


def test_row_errors_name_the_row_and_what_to_fix(clerk_client, area, other_area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=add_months(TODAY, -2))
    elsewhere = EmploymentOutcomeFactory(area=other_area, start_date=add_months(TODAY, -2))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["跟踪编号", "跟踪日期", "是否联系上本人", "在岗情况"])
    sheet.append([f"GZ-{outcome.pk}-1", TODAY, "也许", "原单位在岗"])
    sheet.append([f"GZ-{elsewhere.pk}-1", TODAY, "是", "原单位在岗"])
    sheet.append([f"GZ-{outcome.pk}-3", TODAY + datetime.timedelta(days=5), "否", ""])
    record = _upload(clerk_client, workbook)
    page = clerk_client.get(reverse("followups:import_detail", args=[record.pk])).content.decode()
    assert "是否联系上本人“也许”无法识别" in page
    assert "跟踪编号不是本县区就业结果的编号" in page
    assert "跟踪日期不能晚于今天" in page
    assert record.report["error_rows"] == 3
