"""Class approval, attendance and certificates (issue 17), as the clerk, the reviewer, the trainee's phone and
an employer use them: through the pages, with what each sees."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from brands.models import Occupation, PlanPeriod
from core.imports.services import import_from_file
from training import class_services, services
from training.models import Attendance, AttendanceImport, ClassPlan, ClassSession, Enrolment
from training.roster_import import ROSTER
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, valid_row

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 5)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def unapproved(area):
    return TrainingBatchFactory(area=area, approved=False)


@pytest.fixture
def approved_batch(area):
    batch = TrainingBatchFactory(area=area)
    plan = batch.class_plan
    session = ClassSession.objects.create(
        plan=plan, date=DAY, start_time=datetime.time(8, 30), end_time=datetime.time(12, 30), hours=Decimal(4)
    )
    ClassSession.objects.create(
        plan=plan, date=DAY, start_time=datetime.time(14, 0), end_time=datetime.time(18, 0), hours=Decimal(4)
    )
    people = [EnrolmentFactory(batch=batch, trainee=TraineeFactory(name=n)) for n in ("黄秀英", "李明")]
    return batch, session, people


def test_an_unapproved_batch_refuses_a_roster_commit(unapproved, clerk):
    content = make_roster([valid_row(number) for number in person_ids(2)])
    with pytest.raises(ValidationError, match="开班申请尚未批准，不能导入花名册"):
        import_from_file(
            spec=ROSTER,
            scope=unapproved,
            user=clerk,
            file_name="花名册.xlsx",
            content=content,
            dry_run=False,
            skip_invalid=False,
            via="命令行导入",
            mark_completed=False,
        )
    assert not Enrolment.objects.filter(batch=unapproved).exists()
    page = text(login(clerk).get(reverse("training:batch_detail", args=[unapproved.pk])))
    assert "本班期的开班申请尚未批准" in page


def test_an_unapproved_batch_cannot_start(unapproved, clerk):
    with pytest.raises(ValidationError, match="开班申请尚未批准"):
        services.batch_update(batch=unapproved, user=clerk, status="running")


def test_the_clerk_files_the_plan_and_the_reviewer_approves_it(unapproved, clerk, reviewer):
    clerk_client, pk = login(clerk), unapproved.pk
    edit = lambda part, data: clerk_client.post(reverse("training:class_edit", args=[pk, part]), data)  # noqa: E731
    edit("open", {})
    refused = clerk_client.post(reverse("training:class_act", args=[pk]), {"action": "submit"}, follow=True)
    assert "请至少填写一个课程模块" in text(refused)
    edit("plan", {"venue": "钦南区实训楼 201", "planned_size": 30})
    edit("module", {"name": "母婴护理基础", "theory_hours": "8", "practice_hours": "16"})
    edit("teacher", {"name": "韦老师", "qualification": "高级技师 GX2020001"})
    edit("session", {"date": "2024-03-05", "start_time": "08:30", "end_time": "12:30"})
    submitted = clerk_client.post(reverse("training:class_act", args=[pk]), {"action": "submit"}, follow=True)
    assert "已提交，等待县区审核员审批" in text(submitted)

    reviewer_client = login(reviewer)
    queue = text(reviewer_client.get(reverse("training:class_queue")))
    assert unapproved.name in queue
    page = text(reviewer_client.get(reverse("training:class_file", args=[pk])))
    assert "批准开班" in page and "母婴护理基础" in page and "韦老师" in page and "钦南区实训楼 201" in page
    approved = reviewer_client.post(reverse("training:class_act", args=[pk]), {"action": "approve"}, follow=True)
    assert "开班申请已批准" in text(approved)

    # A session moved after approval is recorded and shown, not silently overwritten.
    session = ClassSession.objects.get(plan__batch=unapproved)
    clerk_client.post(
        reverse("training:session_edit", args=[session.pk]),
        {"date": "2024-03-06", "start_time": "08:30", "end_time": "12:30"},
    )
    page = text(clerk_client.get(reverse("training:class_file", args=[pk])))
    assert "批准后的变更记录" in page and "课次由 2024-03-05 08:30–12:30" in page and "2024-03-06 08:30–12:30" in page


def test_the_reviewer_returns_a_plan_with_a_note(unapproved, clerk, reviewer):
    plan = ClassPlan.objects.create(batch=unapproved, status=ClassPlan.Status.SUBMITTED, submitted_by=clerk)
    client = login(reviewer)
    refused = client.post(reverse("training:class_act", args=[unapproved.pk]), {"action": "return"}, follow=True)
    assert "退回修改时请填写审批意见" in text(refused)
    client.post(reverse("training:class_act", args=[unapproved.pk]), {"action": "return", "note": "课时不足"})
    plan.refresh_from_db()
    assert plan.status == ClassPlan.Status.RETURNED
    assert "课时不足" in text(login(clerk).get(reverse("training:class_file", args=[unapproved.pk])))


def test_a_clerk_cannot_approve(unapproved, clerk, make_staff):
    ClassPlan.objects.create(batch=unapproved, status=ClassPlan.Status.SUBMITTED)
    response = login(clerk).post(
        reverse("training:class_act", args=[unapproved.pk]), {"action": "approve"}, follow=True
    )
    assert "您的角色不能批准开班" in text(response)
    assert ClassPlan.objects.get(batch=unapproved).status == ClassPlan.Status.SUBMITTED


def test_another_areas_clerk_gets_404(approved_batch, other_clerk):
    batch, session, _people = approved_batch
    client = login(other_clerk)
    for url in (
        reverse("training:class_file", args=[batch.pk]),
        reverse("training:session_attendance", args=[session.pk]),
        reverse("training:session_qr", args=[session.pk]),
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:attendance_upload", args=[batch.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("training:class_act", args=[batch.pk]), {"action": "submit"}).status_code == 404


def _sheet(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "社保卡号", "打卡时间"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_attendance_from_the_three_ways_is_one_record(approved_batch, clerk):
    batch, session, (first, second) = approved_batch
    afternoon = ClassSession.objects.exclude(pk=session.pk).get()
    client = login(clerk)
    # 1. ticked on the page: the first trainee at the morning session.
    url = reverse("training:session_attendance", args=[session.pk])
    client.post(url, {"rows": [first.pk, second.pk], "present": [first.pk]})
    # 2. a sign-in sheet: the same person, same morning session (the same record), and the second in the afternoon.
    content = _sheet(
        [
            [first.trainee.name, first.trainee.id_number, "2024-03-05 08:20"],
            [second.trainee.name, second.trainee.id_number, "2024-03-05 13:50"],
        ]
    )
    response = client.post(
        reverse("training:attendance_upload", args=[batch.pk]), {"file": SimpleUploadedFile("考勤机导出.xlsx", content)}
    )
    assert response.status_code == 302
    record = AttendanceImport.objects.latest("pk")
    client.post(reverse("training:attendance_commit", args=[record.pk]), {"mode": "all"})
    record.refresh_from_db()
    assert record.status == "committed", record.message
    # 3. the phone: the first trainee in the afternoon.
    moment = class_services.session_window(afternoon)[0] + datetime.timedelta(minutes=40)
    class_services.phone_signin(
        session=afternoon,
        name=first.trainee.name,
        id_tail=first.trainee.id_number[-6:],
        device_id="a" * 32,
        user_agent="phone",
        now=moment,
    )
    assert Attendance.objects.filter(session=session, enrolment=first).count() == 1
    assert set(Attendance.objects.values_list("enrolment_id", "session_id", "source")) == {
        (first.pk, session.pk, "sheet"),
        (second.pk, session.pk, "page"),
        (second.pk, afternoon.pk, "sheet"),
        (first.pk, afternoon.pk, "phone"),
    }
    page = text(client.get(reverse("training:class_file", args=[batch.pk])))
    # 黄秀英 attended both sessions (8 of 8 hours), 李明 the afternoon only (4 of 8).
    assert re.search(r"黄秀英</td><td[^>]*>[^<]*</td><td[^>]*>8\.0</td> <td[^>]*>100\.0%", page)
    assert re.search(r"李明</td><td[^>]*>[^<]*</td><td[^>]*>4\.0</td> <td[^>]*>50\.0%", page)


def test_the_minimum_rate_refuses_completion_with_the_figure(approved_batch, clerk, city_admin):
    batch, session, (first, second) = approved_batch
    page = text(login(clerk).get(reverse("training:class_file", args=[batch.pk])))
    assert "市人社局尚未设置（2024 年）" in page
    # Unset: completion is not checked against attendance.
    services.enrolments_record_results(
        batch=batch, user=clerk, entries=[services.ResultEntry(enrolment_id=second.pk, completed=True)]
    )
    # The rate is a setting of the batch's plan period (十四五 for 2024), on the period's page.
    period_page = reverse("dashboard:period", args=["2021-2025"])
    refused = login(clerk).post(period_page, {"action": "attendance", "min_attendance_rate": 80})
    assert refused.status_code == 404
    saved = login(city_admin).post(period_page, {"action": "attendance", "min_attendance_rate": 80}, follow=True)
    assert "已将“十四五”的结业最低出勤率设为 80%" in text(saved)
    assert "低于 <strong>80%</strong> 时不能登记结业" in text(saved)
    assert "80%（“十四五”规划期）</dd>" in text(login(clerk).get(reverse("training:class_file", args=[batch.pk])))
    Attendance.objects.create(session=session, enrolment=first, present=True, source="page")
    with pytest.raises(ValidationError) as refusal:
        services.enrolments_record_results(
            batch=batch, user=clerk, entries=[services.ResultEntry(enrolment_id=first.pk, completed=True)]
        )
    assert refusal.value.messages == ["黄秀英：出勤率 50.0%（4.0/8.0 课时），低于结业最低出勤率 80%，不能登记结业。"]
    with pytest.raises(ValidationError, match="出勤率 50.0%"):
        services.batch_complete_all(batch=batch, user=clerk, expected=1)
    assert not Enrolment.objects.get(pk=first.pk).completed


def test_a_phone_sign_in_outside_the_window_is_refused(approved_batch, clerk):
    batch, session, (first, _second) = approved_batch
    qr = login(clerk).get(reverse("training:session_qr", args=[session.pk]))
    assert qr.status_code == 200 and "<svg" in qr.content.decode()
    session.refresh_from_db()
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    response = phone.post(
        reverse("training:phone_signin", args=[session.signin_token]),
        {"name": first.trainee.name, "id_tail": first.trainee.id_number[-6:]},
    )
    assert "不在签到时间内：本课次签到时间为 03月05日 08:00 至 12:30" in text(response)
    assert not Attendance.objects.exists()


def test_an_expired_or_unknown_link_is_refused(approved_batch):
    response = Client().get(reverse("training:phone_signin", args=["no-such-token"]))
    assert "签到二维码已过期" in text(response)


def test_one_device_signing_in_two_people_is_flagged(approved_batch):
    _batch, session, (first, second) = approved_batch
    inside = class_services.session_window(session)[0] + datetime.timedelta(minutes=35)
    for person in (first, second):
        class_services.phone_signin(
            session=session,
            name=person.trainee.name,
            id_tail=person.trainee.id_number[-6:],
            device_id="b" * 32,
            user_agent="phone",
            now=inside,
        )
    assert list(Attendance.objects.values_list("flagged", flat=True)) == [True, True]
    with pytest.raises(class_services.SigninRefused, match="姓名或身份证号码后 6 位与本班花名册不符"):
        class_services.phone_signin(
            session=session, name=first.trainee.name, id_tail="000000", device_id="c" * 32, user_agent="", now=inside
        )


@pytest.fixture
def certificate(area):
    enrolment = EnrolmentFactory(
        trainee=TraineeFactory(name="黄秀英", phone="13900001111"),
        batch=TrainingBatchFactory(area=area),
        completed=True,
        certificate="level5",
        certificate_number="GX2024000123",
        certificate_date=datetime.date(2024, 3, 25),
    )
    return enrolment


def test_the_verify_page_matches_only_number_and_name_together(certificate):
    client = Client()
    url = reverse("certificate_verify")
    found = text(client.get(url, {"number": "gx2024000123", "name": "黄秀英"}))
    assert "证书有效" in found and "黄**" in found and "母婴护理员" in found and "五级/初级工" in found
    assert "2024年3月25日" in found and "钦南区" in found
    shown = re.sub(r'value="[^"]*"', "", found)  # the page repeats the query in its form; the answer must not
    assert certificate.trainee.id_number not in shown and "13900001111" not in shown and "黄秀英" not in shown
    wrong_name = text(client.get(url, {"number": "GX2024000123", "name": "李明"}))
    wrong_number = text(client.get(url, {"number": "GX2024000124", "name": "黄秀英"}))
    for page in (wrong_name, wrong_number):
        assert "未查到。请核对证书编号和持证人姓名后重新查询。" in page and "证书有效" not in page
    # Nothing in the answer tells which part failed: the two pages differ only in the echoed inputs.
    strip = lambda page: re.sub(r'value="[^"]*"', "", page)  # noqa: E731
    assert strip(wrong_name) == strip(wrong_number)
    assert "证书查询" in text(client.get(reverse("brands:catalogue")))


def test_the_verify_page_is_rate_limited_per_client(certificate, settings):
    client = Client(REMOTE_ADDR="10.0.0.9")
    url = reverse("certificate_verify")
    for _ in range(20):
        assert client.get(url, {"number": "X", "name": "Y"}).status_code == 200
    limited = client.get(url, {"number": "GX2024000123", "name": "黄秀英"})
    assert limited.status_code == 429 and "查询过于频繁" in text(limited) and "证书有效" not in text(limited)
    assert Client(REMOTE_ADDR="10.0.0.10").get(url, {"number": "GX2024000123", "name": "黄秀英"}).status_code == 200


def test_the_minimum_rate_pages_say_when_unset(city_admin):
    page = text(login(city_admin).get(reverse("training:attendance_rule")))
    assert "结业最低出勤率尚未设置" in page
    assert re.search(r"十四五.*?2021–2025 年</td><td[^>]*><span[^>]*>尚未设置", page)
    period_page = text(login(city_admin).get(reverse("dashboard:period", args=["2021-2025"])))
    assert "结业最低出勤率<strong>尚未设置</strong>" in period_page


def test_the_period_page_refuses_a_rate_out_of_range_and_clears_it(city_admin):
    client, url = login(city_admin), reverse("dashboard:period", args=["2021-2025"])
    page = text(client.post(url, {"action": "attendance", "min_attendance_rate": 120}))
    assert "出勤率须在 1% 到 100% 之间。" in page
    assert PlanPeriod.objects.get(code="2021-2025").min_attendance_rate is None
    client.post(url, {"action": "attendance", "min_attendance_rate": 75})
    assert PlanPeriod.objects.get(code="2021-2025").min_attendance_rate == 75
    cleared = text(client.post(url, {"action": "attendance", "min_attendance_rate": ""}, follow=True))
    assert "已清除“十四五”的结业最低出勤率" in cleared
    assert PlanPeriod.objects.get(code="2021-2025").min_attendance_rate is None


def test_a_batch_outside_every_period_has_no_minimum(area, clerk):
    PlanPeriod.objects.filter(code="2021-2025").update(min_attendance_rate=80)
    assert class_services.minimum_rate_for(2024).min_attendance_rate == 80
    assert class_services.minimum_rate_for(2031) is None


def test_a_historic_batch_is_recorded_approved_with_a_note(area, clerk):
    batch = services.batch_create(
        user=clerk,
        area=area,
        occupation=Occupation.objects.get(name="母婴护理员"),
        start_date=datetime.date(2023, 1, 2),
        end_date=datetime.date(2023, 1, 20),
        status="completed",
    )
    assert batch.class_plan.approved and "补录的历史班期" in batch.class_plan.review_note
    with pytest.raises(ValidationError, match="新班期须先通过开班审批才能开班"):
        services.batch_create(
            user=clerk,
            area=area,
            occupation=batch.occupation,
            start_date=datetime.date(2023, 2, 2),
            end_date=datetime.date(2099, 1, 20),
            status="running",
        )


def test_the_approval_queue_lists_submitted_plans_in_bounded_queries(area, reviewer, django_assert_max_num_queries):
    for _ in range(3):
        ClassPlan.objects.create(batch=TrainingBatchFactory(area=area, approved=False), status="submitted")
    client = login(reviewer)
    with django_assert_max_num_queries(12):
        page = text(client.get(reverse("training:class_queue")))
    assert page.count("查看班级档案") == 3
    for _ in range(5):
        ClassPlan.objects.create(batch=TrainingBatchFactory(area=area, approved=False), status="submitted")
    with django_assert_max_num_queries(12):
        assert text(client.get(reverse("training:class_queue"))).count("查看班级档案") == 8


def test_a_roster_cannot_mark_completion_once_a_minimum_is_set(area, clerk):
    PlanPeriod.objects.filter(code="2021-2025").update(min_attendance_rate=80)
    batch = TrainingBatchFactory(area=area)
    with pytest.raises(ValidationError, match="导入花名册时不能直接标记结业"):
        import_from_file(
            spec=ROSTER,
            scope=batch,
            user=clerk,
            file_name="花名册.xlsx",
            content=make_roster([valid_row(number) for number in person_ids(1, start=50)]),
            dry_run=False,
            skip_invalid=False,
            via="命令行导入",
            mark_completed=True,
        )
    assert not Enrolment.objects.filter(batch=batch).exists()
