"""The audit trail of personal data: entries for exports and changes, the city administrator's page,
and every export of persons formula-safe and closed to the city viewer."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from accounts.audit import audit_record
from accounts.models import AuditEntry
from accounts.roles import Role
from brands.models import Organisation
from brands.tests.factories import OrganisationFactory
from employment import referral_import as importer
from employment.models import JobReferral
from employment.tests import referral_sheets
from employment.tests.factories import EmploymentOutcomeFactory, JobReferralFactory
from training.models import Enrolment, RosterImport, Trainee
from training.tests import rosters
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, valid_row

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("x","y")'
# In an uploaded sheet a leading "=" is stored as a formula (read back without a value); these reach the
# cell as text, as a crafted file would deliver them.
UPLOADED_INJECTION = '@HYPERLINK("x","y")'
AUDIT_URL = reverse("audit_list")


def login(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, status="completed", end_date=datetime.date(2024, 3, 20))


@pytest.fixture
def trainee(batch):
    person = TraineeFactory(name="黄秀英")
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    return person


# --- the service ------------------------------------------------------------------------------------


def test_an_entry_keeps_who_when_whose_and_where_from(clerk, trainee, area):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = clerk
    before = timezone.now()
    entry = audit_record(
        user=clerk,
        action=AuditEntry.Action.REVEAL,
        person_id=trainee.pk,
        person_name=trainee.name,
        person_masked_id=trainee.masked_id_number,
        subject=f"学员 #{trainee.pk}",
        area=area,
        request=request,
    )
    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.person_id, entry.person_name) == (
        clerk,
        clerk.username,
        trainee.pk,
        "黄秀英",
    )
    assert entry.person_masked_id == trainee.masked_id_number
    assert entry.ip_address == "10.1.2.3"
    assert before <= entry.at <= timezone.now()


def test_a_full_number_passed_by_mistake_is_stored_masked(clerk, trainee):
    entry = audit_record(user=clerk, action=AuditEntry.Action.OTHER, person_masked_id=trainee.id_number)
    assert entry.person_masked_id == trainee.masked_id_number
    assert not AuditEntry.objects.filter(person_masked_id=trainee.id_number).exists()


def test_the_entry_outlives_its_user(clerk):
    entry = audit_record(user=clerk, action=AuditEntry.Action.OTHER, subject="测试")
    clerk.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.username == "county_clerk_450702"


# --- who may read the trail -------------------------------------------------------------------------


def test_only_the_city_administrator_has_the_audit_permission(clerk, reviewer, city_viewer, city_admin):
    assert city_admin.has_perm("accounts.view_auditentry")
    for user in (clerk, reviewer, city_viewer):
        assert not user.has_perm("accounts.view_auditentry"), user


def test_the_audit_page_is_the_city_administrators(client, clerk, reviewer, city_viewer, city_admin):
    assert client.get(AUDIT_URL).status_code == 302  # to the login page
    for user in (clerk, reviewer, city_viewer):
        assert login(client, user).get(AUDIT_URL).status_code == 403, user
        assert login(client, user).post(AUDIT_URL, {"person": "黄"}).status_code == 403, user
    response = login(client, city_admin).get(AUDIT_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_link_shows_for_the_city_administrator_only(client, clerk, city_admin):
    assert AUDIT_URL not in html(login(client, clerk).get(reverse("home")))
    home = html(login(client, city_admin).get(reverse("home")))
    assert AUDIT_URL in home
    assert "个人信息操作记录" in home


def test_the_admin_shows_entries_read_only(client, city_admin, clerk, django_user_model):
    entry = audit_record(user=clerk, action=AuditEntry.Action.OTHER, subject="测试")
    login(client, city_admin)
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # Nobody removes an entry through the admin, a superuser included (someone who took over a superuser
    # could otherwise erase the trail of what they did).
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "Root-password-2025")
    login(client, superuser)
    delete = reverse("admin:accounts_auditentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.post(
        reverse("admin:accounts_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- filters ------------------------------------------------------------------------------------------


@pytest.fixture
def trail(clerk, other_clerk, city_admin, area, other_area):
    """Four entries about three people, by three users, over three days."""
    people = [TraineeFactory(name="黄秀英"), TraineeFactory(name="李明"), TraineeFactory(name="陈丽")]
    made = []
    for user, action, person, days_ago in [
        (clerk, AuditEntry.Action.REVEAL, people[0], 0),
        (other_clerk, AuditEntry.Action.REVEAL, people[1], 1),
        (city_admin, AuditEntry.Action.EXPORT, None, 2),
        (clerk, AuditEntry.Action.CHANGE, people[2], 2),
    ]:
        entry = audit_record(
            user=user,
            action=action,
            person_id=person.pk if person else None,
            person_name=person.name if person else "",
            person_masked_id=person.masked_id_number if person else "",
            subject="测试对象",
        )
        AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - datetime.timedelta(days=days_ago))
        made.append(entry)
    return people, made


def shown(response) -> list[str]:
    """The people (or "—") of the rows on the page, top to bottom."""
    page = html(response)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [row.split("</td>")[3] for row in body.split("<tr>")[1:]]


def test_newest_first_and_each_filter(client, city_admin, trail):
    people, _ = trail
    login(client, city_admin)
    rows = shown(client.get(AUDIT_URL))
    assert len(rows) == 4 and "黄秀英" in rows[0] and "李明" in rows[1]

    assert [("李明" in r) for r in shown(client.get(AUDIT_URL, {"person": "李明"}))] == [True]
    last4 = people[2].id_number[-4:]
    assert all("陈丽" in r for r in shown(client.get(AUDIT_URL, {"person": last4})))
    assert len(shown(client.get(AUDIT_URL, {"user": "county_clerk_450702"}))) == 2
    assert len(shown(client.get(AUDIT_URL, {"action": "export"}))) == 1
    today = timezone.localdate()
    assert len(shown(client.get(AUDIT_URL, {"date_to": (today - datetime.timedelta(days=2)).isoformat()}))) == 2
    assert len(shown(client.get(AUDIT_URL, {"date_from": today.isoformat()}))) == 1
    assert len(shown(client.get(AUDIT_URL, {"person_id": people[1].pk}))) == 1


def test_a_full_id_number_typed_as_the_person_never_reaches_a_url(client, city_admin, trail):
    people, _ = trail
    login(client, city_admin)
    response = client.post(AUDIT_URL, {"person": people[0].id_number, "action": "reveal"})
    assert response.status_code == 302
    assert people[0].id_number not in response["Location"]
    assert people[0].masked_id_number.replace("*", "%2A") in response["Location"]
    page = client.get(response["Location"])
    assert people[0].id_number not in html(page)
    assert [("黄秀英" in r) for r in shown(page)] == [True]
    # Typed into the address bar itself: answered with the address of its mask.
    response = client.get(AUDIT_URL, {"person": people[0].id_number})
    assert response.status_code == 302 and people[0].id_number not in response["Location"]


def test_a_partial_number_longer_than_four_is_refused_with_a_message(client, city_admin, trail):
    response = login(client, city_admin).post(AUDIT_URL, {"person": "12345678"})
    assert response.status_code == 200
    assert "末 1 至 4 位" in html(response)


def test_the_admin_tab_lists_the_admins_change_log(client, city_admin, trail):
    people, _ = trail
    LogEntry.objects.log_actions(
        user_id=city_admin.pk, queryset=[people[0]], action_flag=CHANGE, change_message="修改了 联系电话。"
    )
    page = html(login(client, city_admin).get(AUDIT_URL, {"tab": "admin"}))
    assert "修改了 联系电话。" in page
    assert people[0].masked_id_number in page  # the trainee's str() is masked
    assert people[0].id_number not in page
    assert ContentType.objects.get_for_model(Trainee).name in page


@pytest.mark.parametrize("rows", [3, 60])
def test_the_audit_page_query_count_does_not_grow(client, city_admin, clerk, area, rows, django_assert_max_num_queries):
    for number in range(rows):
        audit_record(user=clerk, action=AuditEntry.Action.REVEAL, person_id=number + 1, person_name="某", area=area)
    login(client, city_admin)
    with django_assert_max_num_queries(12):
        response = client.get(AUDIT_URL)
    assert html(response).count("查看完整身份证号") >= min(rows, 50)
    with django_assert_max_num_queries(12):
        client.get(AUDIT_URL, {"tab": "admin"})


# --- exports: logged, formula-safe, not for the city viewer ------------------------------------------


@pytest.fixture
def injected(batch):
    person = TraineeFactory(name=INJECTION, note="@SUM(1,2)")
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    return person


def test_worklist_export_is_logged_and_formula_safe(client, clerk, area, injected, recount_tallies):
    recount_tallies()  # the factories went behind the services' back
    response = login(client, clerk).get(reverse("employment:worklist_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]  # after the 推荐编号
    assert names == ["'" + INJECTION]
    (entry,) = entries(action=AuditEntry.Action.EXPORT)
    assert (entry.user, entry.area) == (clerk, area)
    assert entry.detail.endswith("1 行") and "岗位推荐工作台" in entry.detail


def test_the_city_viewer_exports_reports_but_not_persons(client, city_viewer, injected):
    login(client, city_viewer)
    assert client.get(reverse("employment:worklist")).status_code == 200  # may read the list on screen
    assert client.get(reverse("employment:worklist_xlsx")).status_code == 403
    assert client.get(reverse("dashboard:export")).status_code == 200
    assert client.get(reverse("brands:catalogue_xlsx")).status_code == 200
    assert client.get(reverse("subsidies:budget_xlsx")).status_code == 200
    assert not AuditEntry.objects.exists()


def upload_roster(client, batch, rows):
    client.post(
        reverse("training:import_upload", args=[batch.pk]),
        {"file": SimpleUploadedFile("花名册.xlsx", make_roster(rows))},
    )
    return RosterImport.objects.latest("id")


def test_the_roster_error_workbook_is_logged_and_only_for_uploaders(client, clerk, reviewer, city_viewer, batch):
    ids = person_ids(2)
    roster_import = upload_roster(
        login(client, clerk),
        batch,
        [valid_row(ids[0], name="黄秀英"), [UPLOADED_INJECTION, ids[1], "", "", "", "", "", ""]],
    )
    url = reverse("training:import_errors", args=[roster_import.pk])
    for user in (reviewer, city_viewer):
        assert login(client, user).get(url).status_code == 403, user
        assert url not in html(client.get(reverse("training:import_detail", args=[roster_import.pk])))
    response = login(client, clerk).get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == "'" + UPLOADED_INJECTION
    (entry,) = entries(action=AuditEntry.Action.EXPORT)
    assert entry.user == clerk and entry.area == batch.area
    assert f"花名册导入 #{roster_import.pk}" in entry.subject and entry.detail.endswith("2 行")


def test_the_referral_error_workbook_is_logged_and_not_for_the_city_viewer(client, clerk, city_viewer, trainee):
    sheet_rows = [
        [trainee.id_number, UPLOADED_INJECTION, "某公司", "家政服务员", datetime.date(2025, 3, 18), "专场招聘", "", ""]
    ]
    referral_import = referral_sheets.referral_upload(
        user=clerk, file_name="岗位推荐.xlsx", content=make_roster(sheet_rows, headers=importer.TEMPLATE_HEADERS)
    )
    url = reverse("employment:referral_import_errors", args=[referral_import.pk])
    assert login(client, city_viewer).get(url).status_code == 403
    response = login(client, clerk).get(url)
    assert response.status_code == 200
    cells = [
        cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for cell in row
    ]
    assert UPLOADED_INJECTION not in cells and "'" + UPLOADED_INJECTION in cells
    (entry,) = entries(action=AuditEntry.Action.EXPORT)
    assert entry.user == clerk and entry.detail.endswith("1 行")


def admin_request(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


@pytest.mark.parametrize(
    ("model", "build"),
    [
        (Trainee, lambda person: person),
        (Enrolment, lambda person: person.enrolments.get()),
        (JobReferral, lambda person: JobReferralFactory(trainee=person)),
        (EmploymentOutcomeFactory._meta.model, lambda person: EmploymentOutcomeFactory(trainee=person)),
    ],
    ids=["trainee", "enrolment", "referral", "outcome"],
)
def test_admin_exports_of_persons_are_logged_and_formula_safe(clerk, injected, model, build):
    build(injected)
    model_admin = admin.site._registry[model]
    request = admin_request(clerk)
    queryset = model_admin.get_export_queryset(request)
    for file_format in (CSV(), XLSX()):
        data = model_admin.get_export_data(file_format, request, queryset)
        if isinstance(file_format, CSV):
            cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
        else:
            cells = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row]
        assert INJECTION not in cells, file_format
        assert "'" + INJECTION in cells, file_format
        assert injected.id_number not in "".join(str(cell) for cell in cells)
    logged = entries(action=AuditEntry.Action.EXPORT)
    assert len(logged) == 2
    assert all(e.user == clerk and e.detail.endswith("1 行") and "后台导出" in e.detail for e in logged)


def test_the_admin_export_page_writes_an_entry(client, clerk, injected, settings):
    settings.IMPORT_EXPORT_SKIP_ADMIN_EXPORT_UI = True  # the first format (csv), straight away
    response = login(client, clerk).get(reverse("admin:training_trainee_export"))
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    assert "'" + INJECTION in cells and INJECTION not in cells
    assert entries(action=AuditEntry.Action.EXPORT)[0].user == clerk


def test_only_roles_that_export_persons_see_the_admin_export(make_staff, clerk, city_admin):
    trainee_admin = admin.site._registry[Trainee]
    assert trainee_admin.has_export_permission(admin_request(clerk))
    assert trainee_admin.has_export_permission(admin_request(city_admin))
    viewer = make_staff(Role.CITY_VIEWER)
    viewer.is_staff = True  # even if someone let a city viewer into the admin
    assert not trainee_admin.has_export_permission(admin_request(viewer))


# --- changes of personal data -------------------------------------------------------------------------


def test_an_admin_edit_of_a_trainee_is_an_audit_entry(client, city_admin, trainee):
    url = reverse("admin:training_trainee_change", args=[trainee.pk])
    login(client, city_admin)
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(phone="13912345678", categories=[])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    (entry,) = entries(action=AuditEntry.Action.CHANGE)
    assert (entry.user, entry.person_id, entry.person_name) == (city_admin, trainee.pk, "黄秀英")
    assert entry.person_masked_id == trainee.masked_id_number
    assert "联系电话" in entry.detail


def registered_in(area, number):
    """A person who trained in `area` before: what the registry holds is that area's to change."""
    trainee = TraineeFactory(id_number=number, name="张三", phone="13800000000")
    return EnrolmentFactory(batch=TrainingBatchFactory(area=area), trainee=trainee).trainee


def test_a_roster_that_updates_registered_people_is_one_change_entry(client, clerk, batch):
    ids = person_ids(3)
    earlier = TrainingBatchFactory(area=batch.area)  # the people trained in this area before
    for number in ids:
        EnrolmentFactory(batch=earlier, trainee=TraineeFactory(id_number=number, name="张三", phone="13800000000"))
    login(client, clerk)
    roster_import = upload_roster(client, batch, [valid_row(number, phone="13911112222") for number in ids])
    client.post(reverse("training:import_commit", args=[roster_import.pk]), {"mode": "all"})
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.COMMITTED
    (entry,) = entries(action=AuditEntry.Action.CHANGE)
    assert entry.user == clerk and entry.area == batch.area
    assert "3 名" in entry.detail and f"花名册导入 #{roster_import.pk}" in entry.subject
    # Importing the same roster again changes nobody: no entry.
    again = upload_roster(client, batch, [valid_row(number, phone="13911112222") for number in ids])
    client.post(reverse("training:import_commit", args=[again.pk]), {"mode": "all"})
    assert len(entries(action=AuditEntry.Action.CHANGE)) == 1


def test_the_entry_names_the_clerk_who_confirmed_not_the_uploader(client, make_staff, clerk, area, batch):
    colleague = make_staff(Role.COUNTY_CLERK, area, username="second_clerk")
    number = person_ids(1)[0]
    registered_in(batch.area, number)
    roster_import = upload_roster(login(client, clerk), batch, [valid_row(number, phone="13911112222")])
    login(client, colleague).post(reverse("training:import_commit", args=[roster_import.pk]), {"mode": "all"})
    (entry,) = entries(action=AuditEntry.Action.CHANGE)
    assert entry.user == colleague


def test_a_roster_written_from_the_command_line_or_a_worker_is_logged_too(clerk, batch):
    """Every path that commits goes through the same service: the CLI/API and the Celery worker too."""
    number = person_ids(1)[0]
    registered_in(batch.area, number)
    roster_import, report = rosters.roster_import_from_file(
        batch=batch,
        user=clerk,
        file_name="花名册.xlsx",
        content=make_roster([valid_row(number, phone="13911112222")]),
        dry_run=False,
        skip_invalid=False,
        mark_completed=False,
    )
    assert report["committed"] and report["updated"] == 1
    (entry,) = entries(action=AuditEntry.Action.CHANGE)
    assert entry.user == clerk and f"花名册导入 #{roster_import.pk}" in entry.subject and "1 名" in entry.detail


def test_the_organisation_export_names_contact_people_so_it_is_logged_and_formula_safe(clerk, area):
    OrganisationFactory(name="钦南家政服务中心", area=area, contact_person=INJECTION, contact_phone="13800001111")
    model_admin = admin.site._registry[Organisation]
    request = admin_request(clerk)
    data = model_admin.get_export_data(CSV(), request, model_admin.get_export_queryset(request))
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert "'" + INJECTION in cells and INJECTION not in cells
    (entry,) = entries(action=AuditEntry.Action.EXPORT)
    assert entry.user == clerk and "后台导出" in entry.detail and entry.detail.endswith("1 行")


def test_the_api_schema_names_the_audit_trail_as_its_page_does(client):
    """Findings (walk 2026-12): the trail had three names; the API's notes still said 审计日志."""
    schema = str(client.get("/api/schema/", {"format": "json"}).json())
    assert "记入个人信息操作记录" in schema
    assert "审计日志" not in schema
