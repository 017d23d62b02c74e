"""What each role does in the system: the cards on the home page.

Each entry names a URL and the permission it needs, so a user only sees links they may follow."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from .roles import Role
from .scoping import scope_for


@dataclass(frozen=True)
class Task:
    """A card: its URL and the permission it needs. `by_role` gives the roles whose work there differs from
    `description` their own text (a reviewer does not open batches); `links`, (label, URL name, permission),
    make it a card of several pages, shown with those the user may open."""

    title: str
    description: str
    url_name: str | None
    icon: str
    permission: str | None = None
    by_role: dict[Role, str] = field(default_factory=dict)
    links: tuple[tuple[str, str, str], ...] = ()


READ_ONLY = (Role.COUNTY_REVIEWER, Role.CITY_VIEWER)


TASKS = [
    Task(
        "进度看板",
        "培训、就业创业人次对照所选规划期目标的进度：分品牌、分县区、分年度，可下钻明细、导出 Excel。",
        "dashboard:index",
        "graph-up-arrow",
        "brands.view_target",
    ),
    Task(
        "培训班期",
        "开设培训班期，上传花名册，登记结业与证书。",
        "training:batch_list",
        "mortarboard",
        "training.view_trainingbatch",
        by_role={
            **dict.fromkeys(READ_ONLY, "查看培训班期、花名册导入记录、结业与证书情况。"),
            Role.CITY_CLERK: "查看市本级的培训班期、结业与证书情况。",
        },
    ),
    Task(
        "学员查询",
        "按姓名或身份证号查询学员及其参训记录。",
        "training:trainee_list",
        "person-vcard",
        "training.view_trainee",
    ),
    Task(
        "开班审批与考勤",
        "开班前填报教学计划（课程模块与课时、师资、场地、课表）并提交审批；登记每个课次的考勤，课堂扫码签到。",
        "training:class_queue",
        "clipboard-check",
        "training.view_trainingbatch",
        by_role={
            Role.COUNTY_REVIEWER: "审批本县区的开班申请（教学计划、师资、场地、课表），查看考勤与出勤率。",
            Role.CITY_ADMIN: "查看各县区开班审批与考勤，设置结业最低出勤率。",
            Role.CITY_VIEWER: "查看开班审批与考勤情况。",
        },
        links=(
            ("开班审批", "training:class_queue", "training.view_trainingbatch"),
            ("结业最低出勤率", "training:attendance_rule", "training.view_trainingbatch"),
        ),
    ),
    Task(
        "单位名录",
        "培训机构、用工企业、人力资源服务机构等单位。",
        "organisation_list",
        "buildings",
        "brands.view_organisation",
    ),
    Task(
        "岗位推荐工作台",
        "参加品牌培训的人员每人至少推荐 3 次岗位：列出本县区推荐不足 3 次的人员，逐人或从 Excel 批量登记推荐，"
        "登记就业创业结果。",
        "employment:worklist",
        "person-check",
        "employment.view_jobreferral",
        by_role={
            **dict.fromkeys(READ_ONLY, "查看参训人员岗位推荐次数（每人至少 3 次）及就业创业结果。"),
            Role.CITY_CLERK: "查看市本级参训人员的岗位推荐次数及就业创业结果。",
        },
    ),
    Task(
        "就业服务",
        "登记人力资源服务机构组织的劳务输出，受理和跟进欠薪投诉案件（结案率目标 98%）。",
        None,
        "briefcase",
        by_role=dict.fromkeys((*READ_ONLY, Role.CITY_CLERK), "查看有组织劳务输出和欠薪案件及其结案率（目标 98%）。"),
        links=(
            ("有组织劳务输出", "employment:labour_export_list", "employment.view_labourexport"),
            ("欠薪案件", "employment:wage_case_list", "employment.view_wagecase"),
        ),
    ),
    Task(
        "补贴申请",
        "登记、提交、审核、审批补贴申请，登记拨付，查看预算执行。",
        "subsidies:application_list",
        "cash-stack",
        "subsidies.view_subsidyapplication",
        by_role={
            Role.COUNTY_CLERK: "登记补贴申请、上传证明材料并提交审核；修改被退回的申请后重新提交。",
            Role.COUNTY_REVIEWER: "审核本县区提交的补贴申请：通过后报市人社局审批，或退回修改、不予受理。",
            Role.CITY_ADMIN: "审批各县区和市级单位的补贴申请，登记拨付，查看预算执行。",
            Role.CITY_VIEWER: "查看补贴申请的办理情况和就业补助资金预算执行。",
            Role.CITY_CLERK: "登记市级单位（如市级龙头企业）的补贴申请，上传材料并提交市人社局管理员审批。",
        },
    ),
    Task(
        "年度计划与月报",
        "县区年度计划安排和重点建设项目（节点进度），每月月报（数据自动统计，审核通过后该月数据锁定）。",
        None,
        "journal-text",
        by_role={
            Role.COUNTY_CLERK: "编制本县区年度计划和重点建设项目，更新节点进度；填写月报情况说明。",
            Role.COUNTY_REVIEWER: "报送本县区年度计划和月报（月报数据由系统统计），更新重点项目节点进度。",
            Role.CITY_ADMIN: "审核各县区年度计划（通过后即为该年度县区目标）和月报（通过后该月数据锁定），必要时重新开放某月。",
            Role.CITY_VIEWER: "查看各县区年度计划、重点项目进度和月报报送情况。",
        },
        links=(
            ("年度计划", "plans:plan_list", "plans.view_annualplan"),
            ("月报", "plans:report_list", "plans.view_monthlyreport"),
        ),
    ),
    Task(
        "目标分配",
        "按年度把全市培训和就业目标分配到各县区、各劳务品牌。",
        "dashboard:targets",
        "bullseye",
        "brands.change_target",
    ),
    Task(
        "规划期与总结评估",
        "规划期（如“十四五”2021–2025、“十五五”2026–2030）：建立下一规划期及其品牌、工种和全市目标，结束规划期并出具总结评估。",
        "dashboard:periods",
        "calendar-range",
        "brands.view_planperiod",
        by_role={
            **dict.fromkeys(
                (Role.COUNTY_CLERK, Role.COUNTY_REVIEWER), "查看各规划期的起止年度和状态；进度看板按所选规划期累计。"
            ),
            Role.CITY_VIEWER: "查看各规划期，阅读和导出结束规划期的总结评估（可打印）。",
        },
    ),
    Task(
        "个人信息操作记录",
        "谁查看了完整身份证号码、导出了人员名单、修改了学员信息；后台修改记录。",
        "audit_list",
        "person-lock",
        "accounts.view_auditentry",
    ),
    Task("动态培训清单", "向社会公开的劳务品牌培训工种清单。", "brands:catalogue", "list-check"),
    Task("基础数据管理", "品牌、工种清单、目标、单位、认定与账号。", "admin:index", "gear", "brands.change_occupation"),
    Task("修改密码", "定期修改密码，保护账号安全。", "password_change", "key"),
]

ROLE_SUMMARIES = {
    Role.COUNTY_CLERK: "负责本县区培训班期、花名册、证书、岗位推荐、就业和补贴申报的日常录入。",
    Role.COUNTY_REVIEWER: "负责审核本县区的补贴申请并报送市人社局。",
    Role.CITY_ADMIN: "负责基础数据、目标、补贴规则与预算，终审各县区补贴申请。",
    Role.CITY_VIEWER: "查看全市及各县区工作进度和报表。",
    Role.CITY_CLERK: "负责市级单位（如市级龙头企业）的补贴申报：登记、补充材料、提交市人社局管理员审批。",
}


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:  # the app that serves it is not installed in this build
        return None


def tasks_for(user) -> list[dict]:
    """The task cards this user may open, with their URLs resolved and the text of the user's role."""
    role = scope_for(user).role
    cards = []
    for task in TASKS:
        if task.permission and not user.has_perm(task.permission):
            continue
        if task.url_name == "admin:index" and not user.is_staff:
            continue
        links = [
            {"label": label, "url": url}
            for label, url_name, permission in task.links
            if user.has_perm(permission) and (url := _url(url_name))
        ]
        url = _url(task.url_name) if task.url_name else None
        if not (url or links):
            continue
        description = task.by_role.get(role, task.description)
        cards.append({"title": task.title, "description": description, "url": url, "links": links, "icon": task.icon})
    return cards


def role_summary(user) -> str:
    scope = scope_for(user)
    if user.is_superuser and scope.role is None:
        return "系统超级管理员，可查看和管理全部数据。"
    return ROLE_SUMMARIES.get(scope.role, "您的账号尚未分配角色，请联系市人社局管理员。")
