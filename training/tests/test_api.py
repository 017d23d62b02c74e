"""The training API: batches, the roster upload, results, trainees and enrolments, for each role; another
area's object is a 404 everywhere; ID numbers are masked in every answer."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from brands.models import Occupation
from qinzhou_brands.tests.apiclient import api, url
from training import bulk, services
from training.models import Enrolment, RosterImport, Trainee, TrainingBatch
from training.tests import rosters
from training.tests.rosters import chinese_name, make_roster, person_ids, valid_row
from training.tests.test_roster import bad_file

from .factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

REPORT_KEYS = {"rows", "valid", "created", "updated", "enrolled", "duplicate_rows", "errors", "ignored_columns"}
REPORT_KEYS |= {"committed"}


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, name="钦南母婴护理一期")


@pytest.fixture
def other_batch(other_area):
    return TrainingBatchFactory(area=other_area, name="钦北一期")


@pytest.fixture
def enrolment(batch):
    return EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="李秀英"))


@pytest.fixture
def other_enrolment(other_batch):
    return EnrolmentFactory(batch=other_batch, trainee=TraineeFactory(name="王强"))


def batch_payload(area, **changes) -> dict:
    today = datetime.date.today()
    return {
        "area": area.code,
        "occupation": Occupation.objects.get(name="母婴护理员").pk,
        "name": "API 开设的班期",
        "start_date": (today + datetime.timedelta(days=10)).isoformat(),
        "end_date": (today + datetime.timedelta(days=30)).isoformat(),
        **changes,
    }


# --- authentication -------------------------------------------------------------------------------


def test_anonymous_requests_are_refused_with_401(batch):
    response = api().get(url("batch-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_a_token_authenticates_and_a_wrong_one_does_not(clerk, batch):
    assert api(clerk).get(url("batch-list")).status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(url("batch-list")).status_code == 401


def test_a_browser_session_authenticates_too(client, clerk, batch):
    client.force_login(clerk)
    response = client.get(url("batch-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_drf_create_token_gives_a_working_token(clerk, batch):
    out = StringIO()
    call_command("drf_create_token", clerk.username, stdout=out)
    key = Token.objects.get(user=clerk).key
    assert key in out.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(url("batch-detail", batch.pk)).status_code == 200


# --- batches --------------------------------------------------------------------------------------


def test_a_clerk_lists_only_their_areas_batches_with_counts(clerk, batch, other_batch):
    EnrolmentFactory(batch=batch, completed=True)
    EnrolmentFactory(batch=batch)
    response = api(clerk).get(url("batch-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == batch.pk
    assert (row["area"], row["area_name"], row["occupation_name"], row["brand"]) == (
        "450702",
        "钦南区",
        "母婴护理员",
        "housekeeping",
    )
    assert (row["enrolment_count"], row["completed_count"]) == (2, 1)


@pytest.mark.parametrize("role", ["city_admin", "city_viewer"])
def test_city_users_list_every_area(request, role, batch, other_batch):
    body = api(request.getfixturevalue(role)).get(url("batch-list")).json()
    assert {row["id"] for row in body["results"]} == {batch.pk, other_batch.pk}


def test_batches_filter_by_area_brand_occupation_status_and_year(city_viewer, area, other_area):
    noodle = Occupation.objects.get(name="钦州猪脚粉制作工")
    first = TrainingBatchFactory(area=area, end_date=datetime.date(2024, 3, 20))
    second = TrainingBatchFactory(
        area=other_area,
        occupation=noodle,
        start_date=datetime.date(2023, 3, 1),
        end_date=datetime.date(2023, 3, 20),
        status=TrainingBatch.Status.COMPLETED,
    )
    client = api(city_viewer)

    def ids(**params) -> set[int]:
        response = client.get(url("batch-list"), params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(area="450703") == {second.pk}
    assert ids(brand="rice-noodle") == {second.pk}
    assert ids(occupation=noodle.pk) == {second.pk}
    assert ids(status="completed") == {second.pk}
    assert ids(year=2024) == {first.pk}
    assert ids(year=2024, area="450703") == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "二〇二四"}, "year"),
        ({"year": "99999"}, "year"),
        ({"occupation": "abc"}, "occupation"),
        ({"occupation": str(2**70)}, "occupation"),
        ({"status": "done"}, "status"),
    ],
)
def test_a_bad_filter_value_is_a_400_in_chinese(clerk, batch, params, field):
    response = api(clerk).get(url("batch-list"), params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert any("\u4e00" <= character <= "\u9fff" for character in body["detail"])


def test_pagination_and_page_size(clerk, area):
    TrainingBatchFactory.create_batch(7, area=area)
    client = api(clerk)
    first = client.get(url("batch-list"), {"page_size": 5}).json()
    assert (first["count"], len(first["results"])) == (7, 5)
    assert first["next"] and first["previous"] is None
    second = client.get(url("batch-list"), {"page_size": 5, "page": 2}).json()
    assert len(second["results"]) == 2
    assert client.get(url("batch-list"), {"page": 9}).status_code == 404
    assert len(client.get(url("batch-list"), {"page_size": 500}).json()["results"]) == 7
    # Outside 1–500 the schema forbids it, and the server says so instead of quietly using another size.
    for size in (0, -1, 501, 100000, "abc", ""):
        refused = client.get(url("batch-list"), {"page_size": size})
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"page_size": ["每页条数须为 1 至 500 之间的整数。"]}


def test_a_clerk_opens_a_batch_in_their_area(clerk, area):
    response = api(clerk).post(url("batch-list"), batch_payload(area), format="json")
    assert response.status_code == 201, response.json()
    batch = TrainingBatch.objects.get()
    assert response.json()["id"] == batch.pk
    assert (batch.area, batch.created_by, batch.status) == (area, clerk, TrainingBatch.Status.PLANNED)
    assert response.json()["enrolment_count"] == 0


def test_a_clerk_cannot_open_a_batch_for_another_area(clerk, other_area):
    response = api(clerk).post(url("batch-list"), batch_payload(other_area), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只能在本辖区（钦南区）开设和管理培训班期。"
    assert not TrainingBatch.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "city_viewer"])
def test_read_only_roles_cannot_open_batches(request, role, area):
    response = api(request.getfixturevalue(role)).post(url("batch-list"), batch_payload(area), format="json")
    assert response.status_code == 403
    assert not TrainingBatch.objects.exists()


def test_the_city_administrator_opens_a_batch_for_any_area(city_admin, other_area):
    response = api(city_admin).post(url("batch-list"), batch_payload(other_area), format="json")
    assert response.status_code == 201
    assert TrainingBatch.objects.get().area == other_area


def test_a_batch_with_dates_the_wrong_way_round_is_a_409_in_chinese(clerk, area):
    payload = batch_payload(area, start_date="2025-05-01", end_date="2025-04-01")
    response = api(clerk).post(url("batch-list"), payload, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"end_date": ["结业日期不能早于开班日期。"]}


def test_the_same_batch_twice_is_refused_by_the_service_with_its_message(clerk, area):
    client = api(clerk)
    assert client.post(url("batch-list"), batch_payload(area), format="json").status_code == 201
    response = client.post(url("batch-list"), batch_payload(area), format="json")
    assert response.status_code == 409
    assert "同一地区、工种和起止日期的班期已经存在。" in response.json()["detail"]


def test_a_missing_field_is_reported_under_its_name(clerk, area):
    payload = batch_payload(area)
    del payload["start_date"]
    response = api(clerk).post(url("batch-list"), payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["start_date"] == ["该字段是必填项。"]


def test_a_clerk_changes_their_batch(clerk, batch):
    response = api(clerk).patch(url("batch-detail", batch.pk), {"name": "改名", "capacity": 30}, format="json")
    assert response.status_code == 200, response.json()
    batch.refresh_from_db()
    assert (batch.name, batch.capacity) == ("改名", 30)
    assert response.json()["name"] == "改名"


def test_reopening_a_batch_with_completed_trainees_is_refused(clerk, batch):
    TrainingBatch.objects.filter(pk=batch.pk).update(status=TrainingBatch.Status.COMPLETED)
    EnrolmentFactory(batch=batch, completed=True)
    response = api(clerk).patch(url("batch-detail", batch.pk), {"status": "running"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "已有学员结业的班期不能改回未结业状态。"


def test_reviewers_cannot_change_batches(reviewer, batch):
    assert api(reviewer).patch(url("batch-detail", batch.pk), {"name": "x"}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "batch-detail", None),
        ("put", "batch-detail", {}),
        ("patch", "batch-detail", {"name": "x"}),
        ("post", "batch-results", {"results": [{"enrolment": 1, "completed": True}]}),
        ("post", "batch-roster", None),
    ],
)
def test_another_areas_batch_is_not_found(other_clerk, batch, method, name, data):
    client = api(other_clerk)
    if name == "batch-roster":
        response = client.post(url(name, batch.pk), {"file": SimpleUploadedFile("a.xlsx", b"x")}, format="multipart")
    else:
        response = getattr(client, method)(url(name, batch.pk), data, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("pk", ["abc", "0", "-1", str(2**64), "1.5", "%E5%85%AB"])
def test_an_id_that_is_no_id_is_a_json_404(clerk, pk):
    response = api(clerk).get(f"/api/v1/batches/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_an_unknown_api_address_is_a_json_404(clerk):
    response = api(clerk).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("rows", [1, 20])
def test_the_batch_list_query_count_does_not_grow(clerk, area, rows, django_assert_max_num_queries):
    for _ in range(rows):
        EnrolmentFactory(batch=TrainingBatchFactory(area=area))
    client = api(clerk)
    with django_assert_max_num_queries(7):
        response = client.get(url("batch-list"))
    assert response.json()["count"] == rows


# --- results --------------------------------------------------------------------------------------


def test_results_of_a_batch_are_recorded_through_the_service(clerk, batch, enrolment):
    other = EnrolmentFactory(batch=batch)
    payload = {
        "results": [
            {
                "enrolment": enrolment.pk,
                "completed": True,
                "assessment": "passed",
                "certificate": "level4",
                "certificate_number": "Z-001",
                "certificate_date": "2024-03-25",
            },
            {"enrolment": other.pk, "completed": True},
        ]
    }
    response = api(clerk).post(url("batch-results", batch.pk), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"changed": 2}
    enrolment.refresh_from_db()
    assert (enrolment.completed, enrolment.certificate, enrolment.certificate_number) == (True, "level4", "Z-001")


def test_results_refused_by_the_service_name_the_trainee(clerk, batch, enrolment):
    payload = {"results": [{"enrolment": enrolment.pk, "completed": False, "certificate": "level4"}]}
    response = api(clerk).post(url("batch-results", batch.pk), payload, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "李秀英：未结业的学员不能登记证书。"
    assert not Enrolment.objects.get(pk=enrolment.pk).completed


@pytest.mark.parametrize(
    ("results", "message"),
    [
        (
            [{"completed": True, "certificate": "level4", "certificate_number": "   "}],
            "李秀英：登记证书时请填写证书编号。",
        ),
        ([{"completed": True}, {"completed": False}], "同一参训记录只能填写一次。"),
    ],
    ids=["blank certificate number", "the same enrolment twice"],
)
def test_results_that_cannot_be_meant_are_refused_whole(clerk, batch, enrolment, results, message):
    payload = {"results": [{"enrolment": enrolment.pk, **entry} for entry in results]}
    response = api(clerk).post(url("batch-results", batch.pk), payload, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == message
    assert not Enrolment.objects.get(pk=enrolment.pk).completed


def test_the_service_itself_refuses_the_same_enrolment_twice(clerk, batch, enrolment):
    entries = [services.ResultEntry(enrolment.pk, completed=True), services.ResultEntry(enrolment.pk, completed=False)]
    with pytest.raises(ValidationError) as refused:
        services.enrolments_record_results(batch=batch, user=clerk, entries=entries)
    assert refused.value.messages == ["李秀英：同一参训记录提交了两次，请只保留一次。"]


def test_results_for_another_batchs_enrolment_are_refused(clerk, batch, area):
    stranger = EnrolmentFactory(batch=TrainingBatchFactory(area=area))
    payload = {"results": [{"enrolment": stranger.pk, "completed": True}]}
    response = api(clerk).post(url("batch-results", batch.pk), payload, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "参训记录不属于本班期。"


def test_one_enrolment_is_changed_with_patch(clerk, enrolment):
    client = api(clerk)
    response = client.patch(url("enrolment-detail", enrolment.pk), {"completed": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["completed"] is True
    response = client.patch(
        url("enrolment-detail", enrolment.pk), {"certificate": "special", "certificate_number": "Z-9"}, format="json"
    )
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert (enrolment.completed, enrolment.certificate) == (True, "special")


# --- roster upload --------------------------------------------------------------------------------


def roster_upload(client, batch, content: bytes, **options):
    return client.post(
        url("batch-roster", batch.pk),
        {"file": SimpleUploadedFile("花名册.xlsx", content), **options},
        format="multipart",
    )


def test_a_roster_upload_commits_and_answers_the_clis_report(clerk, batch):
    people = person_ids(3)
    content = make_roster([valid_row(number, name=chinese_name(i)) for i, number in enumerate(people)])
    response = roster_upload(api(clerk), batch, content)
    assert response.status_code == 200, response.json()
    report = response.json()
    assert set(report) == REPORT_KEYS
    assert report == {
        "rows": 3,
        "valid": 3,
        "created": 3,
        "updated": 0,
        "enrolled": 3,
        "duplicate_rows": [],
        "errors": [],
        "ignored_columns": [],
        "committed": True,
    }
    assert Enrolment.objects.filter(batch=batch).count() == 3
    assert RosterImport.objects.get().status == RosterImport.Status.COMMITTED
    # The same roster again changes nothing.
    again = roster_upload(api(clerk), batch, content).json()
    assert (again["created"], again["enrolled"], again["committed"]) == (0, 0, True)
    assert Enrolment.objects.filter(batch=batch).count() == 3


def test_the_api_report_equals_import_roster_json(clerk, batch, tmp_path):
    people = person_ids(3)
    rows = [valid_row(people[0]), valid_row(people[1], phone="12345"), valid_row(people[2]), valid_row(people[0])]
    content = make_roster(rows, title_rows=["钦南区花名册"])
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    out = StringIO()
    dates = ["--start", f"{batch.start_date}", "--end", f"{batch.end_date}"]
    with pytest.raises(SystemExit):  # exit status 1: refused for row errors
        call_command(
            "import_roster",
            str(path),
            "--area",
            batch.area.code,
            "--occupation",
            batch.occupation.name,
            "--provider",
            batch.provider.name,
            *dates,
            "--dry-run",
            "--json",
            stdout=out,
        )
    response = roster_upload(api(clerk), batch, content, dry_run=True)
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["errors"][0]["column"] == "联系电话"
    assert not Trainee.objects.exists()


def test_a_roster_with_row_errors_commits_nothing_unless_skip_invalid(clerk, batch):
    people = person_ids(2)
    content = make_roster([valid_row(people[0]), valid_row(people[1], phone="12345")])
    client = api(clerk)
    refused = roster_upload(client, batch, content).json()
    assert (refused["committed"], refused["valid"], len(refused["errors"])) == (False, 1, 1)
    assert not Enrolment.objects.exists()
    done = roster_upload(client, batch, content, skip_invalid=True, completed=True).json()
    assert (done["committed"], done["enrolled"]) == (True, 1)
    assert Enrolment.objects.get().completed


@pytest.mark.django_db(transaction=True)
def test_a_database_fault_half_way_is_a_503_and_leaves_nothing(monkeypatch, clerk, batch):
    def broken(*args, **kwargs):
        raise DatabaseError("模拟：数据库连接中断")

    monkeypatch.setattr(bulk, "enrol", broken)
    response = roster_upload(api(clerk), batch, make_roster([valid_row(number) for number in person_ids(3)]))
    assert response.status_code == 503
    assert "整体撤销" in response.json()["detail"]
    assert not Trainee.objects.exists() and not Enrolment.objects.exists()
    roster_import = RosterImport.objects.get()  # the history says what happened, and by which way
    assert roster_import.status == RosterImport.Status.FAILED and roster_import.message.startswith("接口导入")


def test_the_import_history_says_the_roster_came_through_the_api(clerk, batch):
    roster_upload(api(clerk), batch, make_roster([valid_row(person_ids(1)[0])]))
    assert RosterImport.objects.get().message == "接口导入。"


def test_the_service_refuses_another_areas_batch_itself(other_clerk, batch):
    with pytest.raises(PermissionDenied):
        rosters.roster_import_from_file(
            batch=batch,
            user=other_clerk,
            file_name="花名册.xlsx",
            content=make_roster([valid_row(person_ids(1)[0])]),
            dry_run=True,
            skip_invalid=False,
            mark_completed=False,
        )
    assert not Trainee.objects.exists()


@pytest.mark.parametrize(
    "name", ["an image", "truncated .xls", "empty bytes", "no header row", "zip bomb with a lying directory"]
)
def test_an_unusable_file_is_a_409_with_the_chinese_reason(clerk, batch, name):
    content, message = bad_file(name)
    response = roster_upload(api(clerk), batch, content or b"")
    assert response.status_code == 409
    body = response.json()
    assert "file" in body["errors"]
    if content:
        assert body["errors"]["file"] == [message]
    assert not RosterImport.objects.exists()


def test_a_file_over_20_mb_is_refused_before_it_is_read(clerk, batch):
    response = roster_upload(api(clerk), batch, b"PK\x03\x04" + bytes(20 * 1024 * 1024))
    assert response.status_code == 409
    assert response.json()["errors"]["file"] == ["文件超过 20 MB（当前 20.0 MB），请拆分后分批上传。"]


@pytest.mark.parametrize("role", ["reviewer", "city_viewer"])
def test_read_only_roles_cannot_upload_rosters(request, role, batch):
    content = make_roster([valid_row(person_ids(1)[0])])
    response = roster_upload(api(request.getfixturevalue(role)), batch, content)
    assert response.status_code == 403
    assert not Trainee.objects.exists()


def test_the_roster_upload_needs_a_multipart_file(clerk, batch):
    response = api(clerk).post(url("batch-roster", batch.pk), {"dry_run": True}, format="json")
    assert response.status_code == 415
    response = api(clerk).post(url("batch-roster", batch.pk), {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


# --- trainees -------------------------------------------------------------------------------------


def test_trainees_show_masked_id_numbers_only(clerk, enrolment):
    trainee = enrolment.trainee
    client = api(clerk)
    for response in (client.get(url("trainee-list")), client.get(url("trainee-detail", trainee.pk))):
        assert response.status_code == 200
        assert trainee.id_number not in response.content.decode()
        assert trainee.masked_id_number in response.content.decode()
    detail = client.get(url("trainee-detail", trainee.pk)).json()
    assert detail["id_number"] == f"{trainee.id_number[:6]}********{trainee.id_number[14:]}"
    assert (detail["name"], detail["birth_year"], detail["batch_count"]) == ("李秀英", trainee.birth_date.year, 1)


def test_trainees_are_found_by_name_but_never_by_id_number(clerk, enrolment, batch):
    EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="陈明"))
    client = api(clerk)
    assert [t["name"] for t in client.get(url("trainee-list"), {"name": "秀英"}).json()["results"]] == ["李秀英"]
    number = enrolment.trainee.id_number
    for params in ({"name": number}, {"q": number}, {"id_number": number}, {"name": number[-6:]}):
        body = client.get(url("trainee-list"), params).json()
        assert number not in json.dumps(body)
        if "name" in params:
            assert body["count"] == 0


def test_another_areas_trainee_is_not_found(other_clerk, enrolment):
    assert api(other_clerk).get(url("trainee-detail", enrolment.trainee.pk)).status_code == 404
    assert api(other_clerk).get(url("trainee-list")).json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_the_trainee_list_query_count_does_not_grow(clerk, batch, rows, django_assert_max_num_queries):
    EnrolmentFactory.create_batch(rows, batch=batch)
    client = api(clerk)
    with django_assert_max_num_queries(9):  # with the audit entry of the read
        response = client.get(url("trainee-list"))
    assert response.json()["count"] == rows


# --- enrolments -----------------------------------------------------------------------------------


def test_enrolments_are_listed_in_scope_with_masked_numbers(clerk, enrolment, other_enrolment):
    response = api(clerk).get(url("enrolment-list"))
    body = response.json()
    assert [row["id"] for row in body["results"]] == [enrolment.pk]
    assert enrolment.trainee.id_number not in response.content.decode()
    assert body["results"][0]["trainee_id_number"] == enrolment.trainee.masked_id_number


def test_enrolments_filter_by_batch_and_completion(city_admin, enrolment, other_enrolment):
    Enrolment.objects.filter(pk=other_enrolment.pk).update(completed=True)
    client = api(city_admin)
    assert [r["id"] for r in client.get(url("enrolment-list"), {"batch": enrolment.batch_id}).json()["results"]] == [
        enrolment.pk
    ]
    assert [r["id"] for r in client.get(url("enrolment-list"), {"completed": "true"}).json()["results"]] == [
        other_enrolment.pk
    ]


@pytest.mark.parametrize("method", ["get", "patch"])
def test_another_areas_enrolment_is_not_found(other_clerk, enrolment, method):
    response = getattr(api(other_clerk), method)(url("enrolment-detail", enrolment.pk), {}, format="json")
    assert response.status_code == 404


def test_read_only_roles_cannot_record_results(city_viewer, reviewer, enrolment):
    for user in (city_viewer, reviewer):
        response = api(user).patch(url("enrolment-detail", enrolment.pk), {"completed": True}, format="json")
        assert response.status_code == 403
    assert not Enrolment.objects.get(pk=enrolment.pk).completed


@pytest.mark.parametrize("rows", [1, 20])
def test_the_enrolment_list_query_count_does_not_grow(clerk, batch, rows, django_assert_max_num_queries):
    EnrolmentFactory.create_batch(rows, batch=batch)
    client = api(clerk)
    with django_assert_max_num_queries(8):  # with the audit entry of the read
        response = client.get(url("enrolment-list"))
    assert response.json()["count"] == rows


def test_a_roster_file_field_in_the_schema_is_binary(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["RosterUploadRequest"]["properties"]
    assert properties["file"] == {
        "type": "string",
        "format": "binary",
        "description": properties["file"]["description"],
    }


# --- person lists through the API are exports of personal data --------------------------------------


@pytest.mark.parametrize("route", ["trainee-list", "enrolment-list"])
def test_the_city_viewer_may_not_page_through_persons(city_viewer, enrolment, route):
    # Nor read them one id at a time: qinzhou_brands/tests/test_api_persons.py.
    response = api(city_viewer).get(url(route))
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号只能查看汇总报表，不能读取人员名单或个人记录。"
    assert not AuditEntry.objects.exists()


def test_each_page_of_persons_read_through_the_api_is_logged(clerk, enrolment):
    response = api(clerk).get(url("trainee-list"))
    assert response.status_code == 200
    (entry,) = AuditEntry.objects.all()
    assert entry.action == AuditEntry.Action.EXPORT and entry.user == clerk
    assert entry.subject == "接口读取：学员名单" and entry.detail.endswith("1 行")
