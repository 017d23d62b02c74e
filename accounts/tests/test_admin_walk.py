"""Every registered ModelAdmin, walked as every role: what it may list, see, add, change and delete, and
that a county user of another area gets 404 on an area-owned record's pages (its history included).

The expectation table has an entry per registered model: registering a new admin without deciding
what each role may do there fails `test_every_registered_admin_has_an_expectation`."""

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.audit import audit_record
from accounts.models import MonthLock
from accounts.roles import GROUP_NAMES, Role
from brands.models import Area, BrandLine, Department, Occupation, PlanPeriod, Target
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from employment.models import ReferralImport
from employment.tests.factories import (
    EmploymentOutcomeFactory,
    JobReferralFactory,
    LabourExportFactory,
    WageCaseFactory,
)
from employment.tests.vacancy_factories import JobFairFactory, VacancyFactory
from followups.models import FollowUpImport
from followups.tests.factories import FollowUpFactory
from notices.models import SentMessage
from plans.models import MonthlyReport
from plans.tests.factories import AnnualPlanFactory, AnnualPlanLineFactory, KeyProjectFactory, MilestoneFactory
from plantasks.models import PlanTask, TaskReport
from subsidies.models import EvidenceKind, SubsidyApplication, SubsidyRule
from subsidies.tests.factories import BudgetFactory
from training.models import PriorityCategory, ResultsImport, RosterImport
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

# The roles, and two accounts someone made staff although their role has no work in the admin: the
# permissions, not only the staff flag, must keep them read-only.
ROLES = (
    "superuser",
    "city_admin",
    "city_viewer",
    "county_clerk",
    "county_reviewer",
    "city_viewer_staff",
    "county_reviewer_staff",
    # The clerk of the city's own area (city-level organisations and their applications): walked last, on
    # records of the city area, and refused the county's.
    "city_clerk",
    # A department reporter (市发展改革委) has no work in the admin; made staff, it reads its department's
    # tasks and reports only, as on the pages.
    "department_reporter",
    "department_reporter_staff",
)
COUNTY = {"county_clerk", "county_reviewer", "county_reviewer_staff"}
NOT_STAFF = {"city_viewer", "county_reviewer", "department_reporter"}  # the admin sends them to the login page

# l: list, v: see an object's page (and its history), a: add, c: change, d: delete.
ALL, READ, NONE = "lvacd", "lv", ""
EVERYTHING_READ = {
    "city_admin": ALL,
    "county_clerk": READ,
    "city_viewer_staff": READ,
    "county_reviewer_staff": READ,
    "city_clerk": READ,
}
AREA_RECORDS = {
    "city_admin": ALL,
    "county_clerk": READ,
    "city_viewer_staff": READ,
    "county_reviewer_staff": READ,
    "city_clerk": READ,
}
EXPECTED = {
    "auth.group": {"superuser": ALL},
    "axes.accessattempt": {"superuser": "lvd", "city_admin": "lvd"},  # deleting unlocks the username
    "axes.accesslog": {"superuser": "lvd", "city_admin": READ},
    "axes.accessfailurelog": {"superuser": "lvd", "city_admin": READ},
    "accounts.apitoken": {"superuser": "lvd"},  # masked keys; deleting revokes
    "accounts.auditentry": {"superuser": READ, "city_admin": READ},
    "notices.sentmessage": {"superuser": READ, "city_admin": READ},  # written only by the sending services
    "auth.user": {"superuser": ALL, "city_admin": "lvac"},
    "brands.brandline": {"superuser": ALL, **EVERYTHING_READ},
    "brands.area": {"superuser": ALL, **EVERYTHING_READ},
    "brands.occupation": {"superuser": ALL, **EVERYTHING_READ},
    # The city clerk has no progress dashboard (its targets): its scope is the city area's own records.
    "brands.target": {"superuser": ALL, **EVERYTHING_READ, "city_clerk": NONE},
    # Created, changed and closed on the 规划期 pages only (the closing snapshot); the admin shows them.
    "brands.planperiod": {"superuser": READ, **dict.fromkeys(EVERYTHING_READ, READ), "city_clerk": NONE},
    # Clerks keep the providers and employers of their own area; nobody in a county deletes one.
    "brands.organisation": {"superuser": ALL, **AREA_RECORDS, "county_clerk": "lvac", "city_clerk": "lvac"},
    "brands.recognition": {"superuser": ALL, **AREA_RECORDS},
    "training.prioritycategory": {"superuser": ALL, **EVERYTHING_READ},
    "training.trainingbatch": {"superuser": ALL, **AREA_RECORDS},
    # People enter the registry through rosters only.
    "training.trainee": {"superuser": "lvcd", **AREA_RECORDS, "city_admin": "lvcd"},
    # Enrolled by rosters only; results are recorded through the batch's results service.
    "training.enrolment": {"superuser": "lvcd", **AREA_RECORDS, "city_admin": "lvcd"},
    "training.rosterimport": {"superuser": "lvd", **AREA_RECORDS, "city_admin": "lvd"},
    "training.resultsimport": {"superuser": "lvd", **AREA_RECORDS, "city_admin": "lvd"},
    "employment.jobreferral": {"superuser": ALL, **AREA_RECORDS},
    # Recorded through the service; no service changes an outcome: a wrong one is deleted (recounted).
    "employment.employmentoutcome": {"superuser": "lvad", **AREA_RECORDS, "city_admin": "lvad"},
    # Recorded with the people sent (and their outcomes) on the group's page only.
    "employment.labourexport": {"superuser": READ, **AREA_RECORDS, "city_admin": READ},
    # Moved on through the service; never deleted (the closure rate counts every case received).
    "employment.wagecase": {"superuser": "lvac", **AREA_RECORDS, "city_admin": "lvac"},
    "employment.referralimport": {"superuser": "lvd", **AREA_RECORDS, "city_admin": "lvd"},
    # Registered, changed and closed on the 岗位信息库 / 专场招聘会 pages only.
    "employment.vacancy": {"superuser": READ, **AREA_RECORDS, "city_admin": READ},
    "employment.jobfair": {"superuser": READ, **AREA_RECORDS, "city_admin": READ},
    "followups.followup": {"superuser": "lvd", **AREA_RECORDS, "city_admin": "lvd"},
    "followups.followupimport": {"superuser": "lvd", **AREA_RECORDS, "city_admin": "lvd"},
    "subsidies.subsidyrule": {"superuser": ALL, **EVERYTHING_READ},
    "subsidies.evidencekind": {"superuser": ALL, **EVERYTHING_READ},
    "subsidies.budget": {"superuser": ALL, **AREA_RECORDS},
    # Applications move through the services only.
    "subsidies.subsidyapplication": {"superuser": READ, **AREA_RECORDS, "city_admin": READ},
    # Annual plans, key projects and monthly reports move only along plans/workflow.py on their pages; the
    # city clerk's scope (the city area's own records) holds none.
    "plans.annualplan": {"superuser": READ, **AREA_RECORDS, "city_admin": READ, "city_clerk": NONE},
    "plans.keyproject": {"superuser": READ, **AREA_RECORDS, "city_admin": READ, "city_clerk": NONE},
    "plans.monthlyreport": {"superuser": READ, **AREA_RECORDS, "city_admin": READ, "city_clerk": NONE},
    # Locked by accepting a monthly report, reopened with a reason on the 月报 page: never edited here.
    "accounts.monthlock": {"superuser": READ, **AREA_RECORDS, "city_admin": READ, "city_clerk": NONE},
    # The plan's tasks, their reports and departments: written on the task pages only, read-only here for
    # everyone. No task is an area's: a county reviewer made staff (view permission on every app) lists none.
    "brands.department": {"superuser": READ, **EVERYTHING_READ, "city_admin": READ, "city_clerk": NONE},
    "plantasks.plantask": {
        "superuser": READ,
        "city_admin": READ,
        "city_viewer_staff": READ,
        "county_reviewer_staff": "l",
        "department_reporter_staff": READ,
    },
    "plantasks.taskreport": {
        "superuser": READ,
        "city_admin": READ,
        "city_viewer_staff": READ,
        "county_reviewer_staff": "l",
        "department_reporter_staff": READ,
    },
}


def _batch(area):
    return TrainingBatchFactory(area=area, provider=OrganisationFactory(area=area))


def _application(area):
    rule = SubsidyRule.objects.get(kind="training_base", level="city")
    recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base", level="city")
    return SubsidyApplication.objects.create(
        rule=rule,
        kind=rule.kind,
        area=area,
        organisation=recognition.organisation,
        recognition=recognition,
        amount=Decimal("1000.00"),
    )


def _outcome(area):
    return EmploymentOutcomeFactory(area=area, trainee=EnrolmentFactory(batch=_batch(area)).trainee)


def _import_row(model, area):
    options = {"batch": _batch(area)} if model in (RosterImport, ResultsImport) else {"area": area}
    return model.objects.create(file_name="名单.xlsx", file_size=1, content=b"x", **options)


# label -> (builds an object owned by the area given, whether the object belongs to that area).
BUILDERS = {
    "auth.group": (lambda area: Group.objects.get(name=GROUP_NAMES[Role.COUNTY_CLERK]), False),
    "axes.accessattempt": (
        lambda area: AccessAttempt.objects.create(username="x", failures_since_start=1, get_data="", post_data=""),
        False,
    ),
    "axes.accesslog": (lambda area: AccessLog.objects.create(username="x"), False),
    "axes.accessfailurelog": (lambda area: AccessFailureLog.objects.create(username="x"), False),
    "accounts.apitoken": (lambda area: Token.objects.create(user=_account(area)), False),
    "accounts.auditentry": (lambda area: audit_record(user=None, action="other", subject="测试", area=area), False),
    "notices.sentmessage": (
        lambda area: SentMessage.objects.create(
            channel="sms", kind="test", recipient="138****8000", body="测试", backend="console", result="sent"
        ),
        False,
    ),
    "auth.user": (lambda area: _account(area), False),
    "brands.brandline": (lambda area: BrandLine.objects.first(), False),
    "brands.area": (lambda area: area, False),
    "brands.occupation": (lambda area: Occupation.objects.first(), False),
    "brands.target": (lambda area: Target.objects.first(), False),
    "brands.planperiod": (lambda area: PlanPeriod.objects.first(), False),
    "brands.organisation": (lambda area: OrganisationFactory(area=area), True),
    "brands.recognition": (lambda area: RecognitionFactory(organisation=OrganisationFactory(area=area)), True),
    "training.prioritycategory": (lambda area: PriorityCategory.objects.first(), False),
    "training.trainingbatch": (_batch, True),
    "training.trainee": (lambda area: EnrolmentFactory(trainee=TraineeFactory(), batch=_batch(area)).trainee, True),
    "training.enrolment": (lambda area: EnrolmentFactory(batch=_batch(area)), True),
    "training.rosterimport": (lambda area: _import_row(RosterImport, area), True),
    "training.resultsimport": (lambda area: _import_row(ResultsImport, area), True),
    "employment.jobreferral": (lambda area: JobReferralFactory(area=area), True),
    "employment.employmentoutcome": (_outcome, True),
    "employment.labourexport": (lambda area: LabourExportFactory(area=area), True),
    "employment.wagecase": (lambda area: WageCaseFactory(area=area), True),
    "employment.referralimport": (lambda area: _import_row(ReferralImport, area), True),
    "employment.vacancy": (lambda area: VacancyFactory(area=area, employer=OrganisationFactory(area=area)), True),
    "employment.jobfair": (lambda area: JobFairFactory(area=area), True),
    "followups.followup": (lambda area: FollowUpFactory(outcome=EmploymentOutcomeFactory(area=area)), True),
    "followups.followupimport": (lambda area: _import_row(FollowUpImport, area), True),
    "subsidies.subsidyrule": (lambda area: SubsidyRule.objects.first(), False),
    "subsidies.evidencekind": (lambda area: EvidenceKind.objects.first(), False),
    "subsidies.budget": (lambda area: BudgetFactory(area=area, year=2024), True),
    "subsidies.subsidyapplication": (_application, True),
    "plans.annualplan": (lambda area: AnnualPlanLineFactory(plan=AnnualPlanFactory(area=area)).plan, True),
    "plans.keyproject": (lambda area: MilestoneFactory(project=KeyProjectFactory(plan__area=area)).project, True),
    "plans.monthlyreport": (
        lambda area: MonthlyReport.objects.create(area=area, month=datetime.date(2026, 1, 1)),
        True,
    ),
    "accounts.monthlock": (lambda area: MonthLock.objects.create(area=area, month=datetime.date(2026, 1, 1)), True),
    "brands.department": (lambda area: Department.objects.get(code=REPORTER_DEPARTMENT), False),
    "plantasks.plantask": (lambda area: _task(REPORTER_DEPARTMENT), False),
    "plantasks.taskreport": (lambda area: _task_report(REPORTER_DEPARTMENT), False),
}


REPORTER_DEPARTMENT = "fgw"  # 市发展改革委


def _task(department_code: str) -> PlanTask:
    return PlanTask.objects.filter(departments__code=department_code).order_by("pk").first()


def _task_report(department_code: str) -> TaskReport:
    report, _created = TaskReport.objects.get_or_create(
        task=_task(department_code),
        department=Department.objects.get(code=department_code),
        year=2025,
        quarter=1,
        defaults={"text": "已完成年度任务分解。", "assessment": TaskReport.Assessment.ON_TRACK},
    )
    return report


def _account(area):
    from accounts.services import staff_upsert

    user, _created = staff_upsert(username=f"staff_{area.code}", role=Role.COUNTY_CLERK, area=area, password=None)
    return user


def _reporter(username: str):
    from accounts.services import staff_upsert

    user, _created = staff_upsert(
        username=username,
        role=Role.DEPARTMENT_REPORTER,
        area=None,
        password=None,
        department=Department.objects.get(code=REPORTER_DEPARTMENT),
    )
    return user


@pytest.fixture
def users(make_staff, django_user_model, area):
    made = {
        "superuser": django_user_model.objects.create_superuser("root", "root@example.com", "Root-password-2025"),
        "city_admin": make_staff(Role.CITY_ADMIN),
        "city_viewer": make_staff(Role.CITY_VIEWER),
        "county_clerk": make_staff(Role.COUNTY_CLERK, area),
        "county_reviewer": make_staff(Role.COUNTY_REVIEWER, area),
        "city_viewer_staff": make_staff(Role.CITY_VIEWER, username="viewer_made_staff"),
        "county_reviewer_staff": make_staff(Role.COUNTY_REVIEWER, area, username="reviewer_made_staff"),
        "city_clerk": make_staff(Role.CITY_CLERK),
        "department_reporter": _reporter("dept_fgw"),
        "department_reporter_staff": _reporter("dept_fgw_made_staff"),
    }
    for name in ("city_viewer_staff", "county_reviewer_staff", "department_reporter_staff"):
        made[name].is_staff = True
        made[name].save(update_fields=["is_staff"])
    return made


def _url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _pk(obj):
    return obj.user_id if isinstance(obj, Token) else obj.pk  # the token admin addresses tokens by user


def _capabilities(client, model, obj) -> str:
    seen = ""
    changelist = client.get(_url(model, "changelist"))
    if changelist.status_code == 302:  # not staff: every admin page sends them to the login page
        assert changelist["Location"].startswith(reverse("admin:login"))
        assert client.get(_url(model, "change", _pk(obj))).status_code == 302
        return seen
    if changelist.status_code == 200:
        seen += "l"
    page = client.get(_url(model, "change", _pk(obj)))
    if page.status_code == 200:
        seen += "v"
        assert client.get(_url(model, "history", _pk(obj))).status_code == 200
    if client.get(_url(model, "add")).status_code == 200:
        seen += "a"
    if page.status_code == 200 and 'name="_save"' in page.content.decode():
        seen += "c"
    if client.get(_url(model, "delete", _pk(obj))).status_code == 200:
        seen += "d"
    return seen


def test_every_registered_admin_has_an_expectation():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(EXPECTED), "decide what each role may do in a newly registered admin"
    assert set(BUILDERS) == set(EXPECTED)


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_what_each_role_may_do_in_the_admin(client, users, area, other_area, label):
    model = next(model for model in admin.site._registry if model._meta.label_lower == label)
    build, area_owned = BUILDERS[label]
    mine = build(area)
    theirs = build(other_area) if area_owned else None
    seen = {}
    for role in ROLES:
        client.force_login(users[role])
        if role == "city_clerk":
            # Its own: a record of the city area (built now, after the county users counted theirs); the county's is not.
            city_record = build(Area.objects.get(code="450700")) if area_owned else mine
            seen[role] = _capabilities(client, model, city_record)
            if area_owned and seen[role]:
                for name in ("change", "history", "delete"):
                    assert client.get(_url(model, name, _pk(mine))).status_code == 404, (role, name)
                assert client.get(_url(model, "changelist")).context["cl"].result_count == 1, role
            continue
        seen[role] = _capabilities(client, model, mine)
        if theirs is not None and role in COUNTY and role not in NOT_STAFF:
            for name in ("change", "history", "delete"):
                assert client.get(_url(model, name, _pk(theirs))).status_code == 404, (role, name)
            assert client.get(_url(model, "changelist")).context["cl"].result_count == 1, role
    expected = {role: EXPECTED[label].get(role, NONE) for role in ROLES}
    assert seen == expected


def test_a_county_user_sees_the_citys_budget_but_no_other_areas(client, users, area, other_area):
    city = Area.objects.get(code="450700")
    own, city_budget, theirs = (BudgetFactory(area=a, year=2024) for a in (area, city, other_area))
    client.force_login(users["county_clerk"])
    listed = client.get(reverse("admin:subsidies_budget_changelist")).context["cl"].result_list
    assert set(listed) == {own, city_budget}
    assert client.get(reverse("admin:subsidies_budget_change", args=[city_budget.pk])).status_code == 200
    for name in ("change", "history"):
        assert client.get(reverse(f"admin:subsidies_budget_{name}", args=[theirs.pk])).status_code == 404
    version = theirs.history.get()
    url = reverse("admin:subsidies_budget_simple_history", args=[theirs.pk, version.pk])
    assert client.get(url).status_code == 404


def test_a_county_clerk_cannot_rename_a_category_or_import_reference_data(client, users):
    category = PriorityCategory.objects.first()
    client.force_login(users["county_clerk"])
    url = reverse("admin:training_prioritycategory_change", args=[category.pk])
    response = client.post(url, {"name": "<b>改名</b>", "code": category.code, "sort_order": 1})
    assert response.status_code == 403
    category.refresh_from_db()
    assert category.name != "<b>改名</b>"
    assert client.get(reverse("admin:training_prioritycategory_add")).status_code == 403
    for model in (BrandLine, Area, Occupation, Target):
        assert client.get(_url(model, "import")).status_code == 403, model
    client.force_login(users["city_admin"])
    assert client.get(_url(Occupation, "import")).status_code == 200


def test_the_county_clerks_role_holds_view_only_on_reference_data(users):
    clerk = users["county_clerk"]
    for permission in (
        "training.add_prioritycategory",
        "training.change_prioritycategory",
        "subsidies.add_subsidyrule",
        "subsidies.change_budget",
        "brands.add_recognition",
    ):
        assert not clerk.has_perm(permission), permission
    assert clerk.has_perm("training.view_prioritycategory")
    assert clerk.has_perm("brands.change_organisation")


@pytest.mark.parametrize("label", ["training.enrolment", "employment.employmentoutcome", "employment.jobreferral"])
def test_the_admin_cannot_delete_a_locked_months_records_for_a_county_user(client, users, area, label):
    """A month the city accepted is closed to county roles (月报): in the admin they may not delete at all, so
    a locked month's record stays whatever they post; the city administrator's deletes are not county writes."""
    model = next(model for model in admin.site._registry if model._meta.label_lower == label)
    record = BUILDERS[label][0](area)
    day = getattr(record, "start_date", None) or getattr(record, "referred_on", None) or record.batch.end_date
    MonthLock.objects.create(area=area, month=day.replace(day=1))
    for role in ("county_clerk", "county_reviewer_staff"):
        client.force_login(users[role])
        page = client.get(_url(model, "change", record.pk))
        assert page.status_code == 200 and 'class="deletelink"' not in page.content.decode(), role
        assert client.post(_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403, role
        assert model.objects.filter(pk=record.pk).exists(), role


def test_a_department_reporter_made_staff_reads_only_its_departments_tasks_and_reports(client, users):
    """Scoped as on the pages: 市发展改革委's tasks and reports are listed and open; 市商务局's answer 404, and
    nothing is written from the admin, whatever is posted."""
    mine, theirs = _task_report("fgw"), _task_report("swj")
    not_fgws = PlanTask.objects.exclude(departments__code="fgw").order_by("pk").first()
    client.force_login(users["department_reporter_staff"])
    tasks = client.get(reverse("admin:plantasks_plantask_changelist")).context["cl"]
    assert tasks.result_count == PlanTask.objects.filter(departments__code="fgw").count()
    assert not_fgws not in tasks.result_list
    reports = client.get(reverse("admin:plantasks_taskreport_changelist")).context["cl"]
    assert list(reports.result_list) == [mine]
    page = client.get(_url(TaskReport, "change", mine.pk)).content.decode()
    assert "已完成年度任务分解。" in page and 'name="_save"' not in page
    for name in ("change", "history"):
        assert client.get(_url(TaskReport, name, theirs.pk)).status_code == 404, name
        assert client.get(_url(PlanTask, name, not_fgws.pk)).status_code == 404, name
    response = client.post(_url(TaskReport, "change", mine.pk), {"text": "改写", "assessment": "done"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.text == "已完成年度任务分解。"
    assert client.get(reverse("admin:brands_department_changelist")).status_code == 403
