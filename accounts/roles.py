"""The five staff roles, each a Django group with its permissions.

A rule is (app label, model name or "*", actions). Later apps add their rules here, so one
place answers "who may do what"."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_CLERK = "county_clerk", _("县区经办员")
    COUNTY_REVIEWER = "county_reviewer", _("县区审核员")
    CITY_ADMIN = "city_admin", _("市人社局管理员")
    CITY_VIEWER = "city_viewer", _("市领导（查看）")
    CITY_CLERK = "city_clerk", _("市人社局经办员")
    DEPARTMENT_REPORTER = "department_reporter", _("部门填报员")


# Group names are the Chinese labels: they are what the city administrator sees in the admin.
GROUP_NAMES = {
    Role.COUNTY_CLERK: "县区经办员",
    Role.COUNTY_REVIEWER: "县区审核员",
    Role.CITY_ADMIN: "市人社局管理员",
    Role.CITY_VIEWER: "市领导（查看）",
    Role.CITY_CLERK: "市人社局经办员",
    Role.DEPARTMENT_REPORTER: "部门填报员",
}
ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}

COUNTY_ROLES = frozenset({Role.COUNTY_CLERK, Role.COUNTY_REVIEWER})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_VIEWER})
# The city clerk is the clerk of the city's own area (钦州市 450700): the records of city-level organisations
# (a 市级龙头企业's award), which no county clerk owns. Its scope is that area alone, as a county clerk's is
# their county (scoping.scope_for): it sees and enters the city area's records, never a county's.
CITY_AREA_ROLES = frozenset({Role.CITY_CLERK})
# Who enters an area's records and submits its subsidy applications: the clerk of that area.
CLERK_ROLES = frozenset({Role.COUNTY_CLERK, Role.CITY_CLERK})
# A department reporter (部门填报员) answers for its department's tasks of the plan (plantasks/) and sees no
# personal data and no area's records: its scope is no area, its permissions the tasks alone.
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_REPORTER})

VIEW = ("view",)
ALL = ("add", "change", "delete", "view")
EDIT = ("add", "change", "view")

# The county reviewer and the city viewer read every app's records (in their scope) and change none.
READ_ONLY_RULES = [
    ("brands", "*", VIEW),
    ("training", "*", VIEW),
    ("employment", "*", VIEW),
    ("followups", "*", VIEW),
    ("subsidies", "*", VIEW),
    ("plans", "*", VIEW),
    # Which months of the area are locked (月报): read, never written, in the admin.
    ("accounts", "monthlock", VIEW),
    ("plantasks", "*", VIEW),
]

ROLE_PERMISSION_RULES = {
    Role.COUNTY_CLERK: [
        ("brands", "*", VIEW),
        ("brands", "organisation", EDIT),
        ("training", "*", EDIT),
        ("employment", "*", EDIT),
        ("followups", "*", EDIT),
        ("subsidies", "*", EDIT),
        ("plans", "*", EDIT),
        ("accounts", "monthlock", VIEW),
    ],
    # The reviewer submits the area's annual plan and monthly report (plans/workflow.py says which step).
    Role.COUNTY_REVIEWER: [*READ_ONLY_RULES, ("plans", "monthlyreport", EDIT), ("plans", "annualplan", EDIT)],
    Role.CITY_ADMIN: [
        ("brands", "*", ALL),
        ("accounts", "staffprofile", ALL),
        # The audit trail of personal data is read by the city administrator and written only by the system.
        ("accounts", "auditentry", VIEW),
        ("auth", "user", EDIT),
        ("training", "*", ALL),
        ("employment", "*", ALL),
        ("followups", "*", ALL),
        ("subsidies", "*", ALL),
        ("plans", "*", EDIT),
        ("plantasks", "*", ALL),
        ("accounts", "monthlock", VIEW),
        # Every SMS and e-mail the system sent (notices/): read by the city administrator, written by the system.
        ("notices", "sentmessage", VIEW),
        # Unlocking a username deletes its attempts; the login logs stay (the admin never edits either).
        ("axes", "accessattempt", ("view", "delete")),
        ("axes", "accesslog", VIEW),
        ("axes", "accessfailurelog", VIEW),
    ],
    Role.CITY_VIEWER: READ_ONLY_RULES,
    # Its department's tasks (the selectors narrow them) and their quarterly reports; nothing of any person.
    Role.DEPARTMENT_REPORTER: [("plantasks", "plantask", VIEW), ("plantasks", "taskreport", EDIT)],
    # The city area's own records: its organisations and their subsidy applications. No target: the progress
    # dashboard of its scope (the city area's own batches, none) would show the city's targets against zero;
    # the whole city's progress is read by the city administrator and the city viewer.
    Role.CITY_CLERK: [
        ("brands", "brandline", VIEW),
        ("brands", "area", VIEW),
        ("brands", "occupation", VIEW),
        ("brands", "recognition", VIEW),
        ("brands", "organisation", EDIT),
        ("training", "*", VIEW),
        ("employment", "*", VIEW),
        ("followups", "*", VIEW),
        ("subsidies", "*", EDIT),
    ],
}

# City-wide reference data: keyed by code, read by every area's statistics and rosters. Only the city
# administrator changes it; a wildcard rule of any other role gives it view only (roles_sync drops the rest).
CITY_REFERENCE_DATA = frozenset(
    {
        ("brands", "brandline"),
        ("brands", "area"),
        ("brands", "occupation"),
        ("brands", "target"),
        ("brands", "planperiod"),
        ("brands", "recognition"),
        ("brands", "department"),
        ("training", "prioritycategory"),
        ("subsidies", "subsidyrule"),
        ("subsidies", "evidencekind"),
        ("subsidies", "budget"),
    }
)
CITY_REFERENCE_EDITORS = frozenset({Role.CITY_ADMIN})

# Who may enter the Django admin at all (reference data, organisations of their area).
STAFF_SITE_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_CLERK, Role.CITY_CLERK})

# Who may see a trainee's full ID number (one press of "显示完整号码", logged each time): the county clerk,
# who enters and corrects rosters of their own area, and the city administrator. Reviewers and the city
# viewer work with masked numbers only.
ID_REVEAL_ROLES = frozenset({Role.COUNTY_CLERK, Role.CITY_ADMIN})

# Who may export lists of persons (names, masked ID numbers, phones). The city viewer reads aggregate
# reports only (dashboard, catalogue, subsidy totals); county users export their own area's people.
PERSON_EXPORT_ROLES = frozenset({Role.COUNTY_CLERK, Role.COUNTY_REVIEWER, Role.CITY_ADMIN})
