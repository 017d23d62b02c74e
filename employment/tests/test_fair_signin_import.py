"""A fair's sign-in sheet on the import pipeline: attendance and intentions, row errors, 404 elsewhere."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from core.imports.services import import_request_commit, import_upload
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from ..fair_signin_import import SIGN_IN
from ..vacancy_models import FairAttendance, FairIntention
from .vacancy_factories import JobFairFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(["身份证号码", "姓名", "意向单位", "意向岗位"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def fair(area):
    fair = JobFairFactory(area=area, title="八桂家政专场")
    VacancyFactory(fair=fair, title="住家月嫂")
    return fair


@pytest.fixture
def people(area):
    batch = TrainingBatchFactory(area=area)
    return [EnrolmentFactory(batch=batch, trainee=TraineeFactory(name=n)).trainee for n in ("甲", "乙")]


def test_sign_in_sheet_records_attendance_and_intentions_once(clerk, fair, people):
    rows = [[people[0].id_number, "甲", "", "住家月嫂"], [people[1].id_number, "乙", "", ""]]
    record = import_upload(spec=SIGN_IN, scope=fair, user=clerk, file_name="签到表.xlsx", content=xlsx(rows))
    assert (record.report["attendance"], record.report["intentions"]) == (2, 1)
    import_request_commit(spec=SIGN_IN, record=record, user=clerk, skip_invalid=False)
    assert FairAttendance.objects.filter(fair=fair).count() == 2
    assert FairIntention.objects.get(fair=fair).trainee == people[0]
    again = import_upload(spec=SIGN_IN, scope=fair, user=clerk, file_name="签到表.xlsx", content=xlsx(rows))
    assert (again.report["created"], again.report["existing"]) == (0, 2)


def test_sign_in_row_errors(clerk, fair, people, other_area):
    stranger = EnrolmentFactory(batch=TrainingBatchFactory(area=other_area), trainee=TraineeFactory(name="丙")).trainee
    rows = [
        [people[0].id_number, "错名", "", ""],
        [stranger.id_number, "丙", "", ""],
        [people[1].id_number, "乙", "", "没有的岗位"],
        ["123", "丁", "", ""],
    ]
    record = import_upload(spec=SIGN_IN, scope=fair, user=clerk, file_name="签到表.xlsx", content=xlsx(rows))
    messages = {(e["row"], e["message"]) for e in record.report["errors"]}
    assert (2, "姓名与登记的“甲”不一致，请核对姓名或身份证号码。") in messages
    assert (3, "该身份证号码不是本县区已登记参训的学员，请核对。") in messages
    assert (4, "本场招聘会没有“没有的岗位”这个岗位，请核对岗位名称（及意向单位）。") in messages
    assert any(row == 5 for row, _message in messages)


def test_the_upload_page_is_the_fairs_areas_only(client, clerk, other_clerk, fair):
    client.force_login(clerk)
    page = client.get(reverse("employment:fair_signin_upload", args=[fair.pk])).content.decode()
    assert "导入签到表" in page and "八桂家政专场" in page
    client.force_login(other_clerk)
    assert client.get(reverse("employment:fair_signin_upload", args=[fair.pk])).status_code == 404
