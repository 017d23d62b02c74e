"""Trainee registry, training batches (班期), enrolments with certificates, and roster imports."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from brands.models import Area, Occupation, Organisation
from core.db import pinyin
from core.fields import optional_link, user_link
from core.imports.models import ImportRecord
from core.masking import mask_id_number


class PriorityCategory(models.Model):
    """人员类别: the priority groups the plan puts first (several per person)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("人员类别")
        verbose_name_plural = _("人员类别")
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class Trainee(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("小学及以下")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/中专/技校")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        POSTGRADUATE = "postgraduate", _("研究生及以上")

    # Unique through a constraint rather than unique=True: on PostgreSQL that spares the second
    # (LIKE) index Django adds to unique text columns, which no query here uses.
    id_number = models.CharField(_("身份证号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=20)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices, blank=True)
    household_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    # Derived from the ID number's first six digits, for reports; reference data that is never deleted
    # (Django still refuses to delete an area in use). No database constraint or index: each imported
    # person would otherwise cost a check at commit and an index entry for a column nothing filters on.
    household_area = optional_link(Area, _("户籍地区"), db_constraint=False, db_index=False)
    # The links carry no database constraints, for the reason household_area has none: a roster of 100,000 people
    # writes some 200,000 links, and two checks each at commit took longer than writing them. They are
    # written by this code alone, for people it has just inserted or looked up; Django removes a person's
    # links when the person is deleted; a category in use cannot be deleted (PriorityCategoryAdmin).
    categories = models.ManyToManyField(
        PriorityCategory, verbose_name=_("人员类别"), blank=True, related_name="+", db_constraint=False
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        # Pinyin order on PostgreSQL (core.db.Pinyin). The index is in that order: the registry's first page is read
        # off it instead of sorting a million people.
        ordering = [pinyin("name"), "id"]
        indexes = [models.Index(pinyin("name"), F("id"), name="trainee_name_pinyin")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                name="trainee_unique_id_number",
                violation_error_message=_("该身份证号码已登记。"),
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="trainee_sex_valid"),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class TrainingBatch(models.Model):
    class Mode(models.TextChoices):
        REGULAR = "regular", _("常规培训")
        APPRENTICESHIP = "apprenticeship", _("企业新型学徒制")
        SCHOOL_ENTERPRISE = "school_enterprise", _("校企合作")
        ON_THE_JOB = "on_the_job", _("岗位技能提升")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        RUNNING = "running", _("培训中")
        COMPLETED = "completed", _("已结业")

        @classmethod
        def on(cls, start_date, end_date, today) -> "TrainingBatch.Status":
            """The status a batch with these dates has on `today` (a batch found in a file has no other)."""
            return cls.COMPLETED if end_date < today else cls.RUNNING if start_date <= today else cls.PLANNED

    area = models.ForeignKey(Area, verbose_name=_("承办地区"), on_delete=models.PROTECT, related_name="batches")
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业（工种）"), on_delete=models.PROTECT, related_name="batches"
    )
    provider = optional_link(Organisation, _("培训机构"), related_name="batches")
    name = models.CharField(_("班期名称"), max_length=100, blank=True)
    start_date = models.DateField(_("开班日期"))
    end_date = models.DateField(_("结业日期"))
    mode = models.CharField(_("培训方式"), max_length=30, choices=Mode.choices, default=Mode.REGULAR)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    capacity = models.PositiveIntegerField(_("计划人数"), null=True, blank=True)
    created_by = user_link(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训班期")
        verbose_name_plural = _("培训班期")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["area", "end_date"]),
            models.Index(fields=["status"]),
            # Newest batch first (this ordering, and the enrolment list's): read backwards, no sort of every row.
            models.Index(fields=["start_date", "id"], name="batch_start_order"),
            # A vacancy's matching people: the batches of its occupation in an area, started by a day.
            models.Index(fields=["occupation", "area", "start_date"], name="batch_occupation_area_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="batch_end_after_start",
                violation_error_message=_("结业日期不能早于开班日期。"),
            ),
            models.UniqueConstraint(
                fields=["area", "occupation", "provider", "start_date", "end_date"],
                condition=Q(provider__isnull=False),
                name="batch_unique_with_provider",
                violation_error_message=_("同一地区、工种、培训机构和起止日期的班期已经存在。"),
            ),
            models.UniqueConstraint(
                fields=["area", "occupation", "start_date", "end_date"],
                condition=Q(provider__isnull=True),
                name="batch_unique_without_provider",
                violation_error_message=_("同一地区、工种和起止日期的班期已经存在。"),
            ),
        ]

    def __str__(self):
        return self.name or f"{self.area} {self.occupation} {self.start_date:%Y-%m-%d}"

    @property
    def title(self) -> str:
        return str(self)


class Enrolment(models.Model):
    class Assessment(models.TextChoices):
        PENDING = "", _("未评价")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        ABSENT = "absent", _("未参加考核")

    class Certificate(models.TextChoices):
        NONE = "", _("无")
        LEVEL_5 = "level5", _("职业技能等级证书（五级/初级工）")
        LEVEL_4 = "level4", _("职业技能等级证书（四级/中级工）")
        LEVEL_3 = "level3", _("职业技能等级证书（三级/高级工）")
        LEVEL_2 = "level2", _("职业技能等级证书（二级/技师）")
        LEVEL_1 = "level1", _("职业技能等级证书（一级/高级技师）")
        SPECIAL = "special", _("专项职业能力证书")
        # 创业培训 gives no skill certificate; this one (only for batches of mode 创业培训) makes it subsidisable.
        ENTREPRENEURSHIP = "entrepreneurship", _("创业培训合格证书")

    # No index of its own: the (trainee, batch) unique constraint's index leads with the trainee.
    trainee = models.ForeignKey(
        Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    batch = models.ForeignKey(
        TrainingBatch, verbose_name=_("班期"), on_delete=models.PROTECT, related_name="enrolments"
    )
    completed = models.BooleanField(_("已结业"), default=False)
    assessment = models.CharField(_("考核结果"), max_length=10, choices=Assessment.choices, blank=True, default="")
    certificate = models.CharField(_("证书"), max_length=20, choices=Certificate.choices, blank=True, default="")
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_date = models.DateField(_("发证日期"), null=True, blank=True)
    # Provenance only (which upload brought the person in): no database constraint and no index, which
    # would cost every imported row a check at commit and an index entry, for a column nothing looks up.
    roster_import = models.ForeignKey(
        "RosterImport",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # What a roster of this batch's area said about a person registered through another area (phone,
    # address, education, note, category codes): kept with this enrolment, never written to the registry,
    # which only the areas where the person trained before may change. Empty for everyone else.
    roster_details = models.JSONField(_("本班花名册填报信息"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["batch", "id"]
        indexes = [
            # Who took part in a set of batches (a vacancy's matching people), read from the index alone.
            models.Index(fields=["batch", "trainee"], name="enrolment_batch_trainee"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "batch"], name="enrolment_once_per_batch"),
            # A certificate's number identifies it: unique per certificate type across the whole registry.
            models.UniqueConstraint(
                fields=["certificate", "certificate_number"],
                condition=~Q(certificate="") & ~Q(certificate_number=""),
                name="enrolment_certificate_number_unique",
                violation_error_message=_("同一类证书的证书编号不能重复：该编号已登记给另一名学员。"),
            ),
            models.CheckConstraint(
                condition=Q(certificate="") | Q(completed=True),
                name="enrolment_certificate_needs_completion",
                violation_error_message=_("未结业的学员不能登记证书。"),
            ),
        ]

    def __str__(self):
        return f"{self.trainee} @ {self.batch}"


class RosterImport(ImportRecord):
    """One upload of a roster into a batch (core/imports: the pipeline's record, lifecycle and report)."""

    spec_path = "training.roster_import.RosterImportSpec"

    batch = models.ForeignKey(TrainingBatch, verbose_name=_("班期"), on_delete=models.PROTECT, related_name="imports")
    mark_completed = models.BooleanField(_("导入即结业"), default=False)
    enrolled_count = models.PositiveIntegerField(_("新增参训"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")


class ResultsImport(ImportRecord):
    """One upload of a batch's results sheet (结业考核成绩表) on the core import pipeline."""

    spec_path = "training.results_import.ResultsImportSpec"

    batch = models.ForeignKey(
        TrainingBatch, verbose_name=_("班期"), on_delete=models.PROTECT, related_name="results_imports"
    )

    class Meta(ImportRecord.Meta):
        verbose_name = _("成绩表导入")
        verbose_name_plural = _("成绩表导入")


class Tally(models.Model):
    """A count per area × brand × year, and per priority category: summary rows, not records.

    The app's `tallies` module rewrites the rows a change touches in the same transaction as the change,
    so the dashboard reads a few hundred rows instead of counting every record. A row with no category
    is the total; a category row counts the people in that category (a person in two counts in both)."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(
        "brands.BrandLine", verbose_name=_("劳务品牌"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.ForeignKey(
        PriorityCategory, verbose_name=_("人员类别"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    count_field = ""  # the subclass's count: what __str__ shows

    class Meta:
        abstract = True

    def __str__(self):
        count = getattr(self, self.count_field)
        return f"{self.area_id}/{self.brand_id}/{self.year}/{self.category_id or '全部'}: {count}"

    @staticmethod
    def one_row_per_key(prefix: str) -> list[models.UniqueConstraint]:
        """One total row per area × brand × year, and one row per category of it."""
        return [
            models.UniqueConstraint(
                fields=["area", "brand", "year"], condition=Q(category__isnull=True), name=f"{prefix}_total"
            ),
            models.UniqueConstraint(
                fields=["area", "brand", "year", "category"],
                condition=Q(category__isnull=False),
                name=f"{prefix}_category",
            ),
        ]


class TrainingTally(Tally):
    """培训人次 per area × brand × year (of the batch's end date), and per priority category."""

    trainings = models.PositiveIntegerField(_("培训人次"))
    count_field = "trainings"

    class Meta:
        verbose_name = _("培训人次汇总")
        verbose_name_plural = _("培训人次汇总")
        constraints = Tally.one_row_per_key("training_tally")


# --- class approval, sessions and attendance (开班审批、课表与考勤, issue 17) -------------------------------


class ClassPlan(models.Model):
    """A batch's teaching plan (开班申请): filed by the county clerk, approved or returned by the county
    reviewer (training/class_workflow.py). A batch takes no roster, start or completion before approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("待审批")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已批准")

    batch = models.OneToOneField(
        TrainingBatch, verbose_name=_("班期"), on_delete=models.CASCADE, related_name="class_plan"
    )
    venue = models.CharField(_("培训场地"), max_length=200, blank=True)
    planned_size = models.PositiveIntegerField(_("计划人数"), null=True, blank=True)
    status = models.CharField(_("审批状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = user_link(_("申报人"))
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    reviewed_by = user_link(_("审批人"))
    reviewed_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    review_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("开班申请")
        verbose_name_plural = _("开班申请")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.batch} 开班申请"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ClassModule(models.Model):
    """A course module of the plan with its theory and practice hours (理论/实操课时)."""

    plan = models.ForeignKey(ClassPlan, verbose_name=_("开班申请"), on_delete=models.CASCADE, related_name="modules")
    name = models.CharField(_("课程模块"), max_length=100)
    theory_hours = models.DecimalField(_("理论课时"), max_digits=5, decimal_places=1, default=0)
    practice_hours = models.DecimalField(_("实操课时"), max_digits=5, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("课程模块")
        verbose_name_plural = _("课程模块")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(theory_hours__gte=0) & Q(practice_hours__gte=0), name="class_module_hours_positive"
            )
        ]

    def __str__(self):
        return self.name


class ClassTeacher(models.Model):
    plan = models.ForeignKey(ClassPlan, verbose_name=_("开班申请"), on_delete=models.CASCADE, related_name="teachers")
    name = models.CharField(_("教师姓名"), max_length=20)
    qualification = models.CharField(_("资格或证书编号"), max_length=100)

    class Meta:
        verbose_name = _("授课教师")
        verbose_name_plural = _("授课教师")
        ordering = ["id"]

    def __str__(self):
        return self.name


class ClassSession(models.Model):
    """One session of the schedule (课表): date, times, module, teacher; the unit of attendance. Its hours
    are the time between start and end, stored so that attendance rates are sums."""

    plan = models.ForeignKey(ClassPlan, verbose_name=_("开班申请"), on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("上课日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    module = models.ForeignKey(
        ClassModule, verbose_name=_("课程模块"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teacher = models.ForeignKey(
        ClassTeacher, verbose_name=_("授课教师"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.DecimalField(_("课时"), max_digits=4, decimal_places=1)
    # The phone sign-in link of the QR code shown in the classroom: short-lived, replaced on each display.
    signin_token = models.CharField(_("签到码"), max_length=40, null=True, blank=True, unique=True, editable=False)
    signin_expires = models.DateTimeField(_("签到码有效期至"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="class_session_end_after_start",
                violation_error_message=_("结束时间须晚于开始时间。"),
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ClassChange(models.Model):
    """A change to an approved plan (a teacher replaced, a session moved): recorded and shown, never silent."""

    plan = models.ForeignKey(ClassPlan, verbose_name=_("开班申请"), on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)
    changed_by = user_link(_("变更人"), blank=False)
    description = models.CharField(_("变更内容"), max_length=500)

    class Meta:
        verbose_name = _("开班申请变更记录")
        verbose_name_plural = _("开班申请变更记录")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return self.description


class Attendance(models.Model):
    """One enrolment at one session: one record whichever way it was taken (page, sheet, phone)."""

    class Source(models.TextChoices):
        PAGE = "page", _("页面登记")
        SHEET = "sheet", _("签到表导入")
        PHONE = "phone", _("手机签到")

    session = models.ForeignKey(
        ClassSession, verbose_name=_("课次"), on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("参训记录"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("出勤"), default=True)
    source = models.CharField(_("登记方式"), max_length=10, choices=Source.choices)
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    device = models.CharField(_("签到设备"), max_length=200, blank=True)
    # One phone signing in several people at one session: shown to the clerk and the reviewer.
    flagged = models.BooleanField(_("同一设备代签"), default=False)
    recorded_by = user_link(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)

    class Meta:
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")]

    def __str__(self):
        return f"{self.enrolment_id}@{self.session_id}"


class AttendanceImport(ImportRecord):
    """One upload of a sign-in sheet or attendance-machine export into a batch (core/imports)."""

    batch = models.ForeignKey(
        TrainingBatch, verbose_name=_("班期"), on_delete=models.PROTECT, related_name="attendance_imports"
    )

    class Meta(ImportRecord.Meta):
        verbose_name = _("考勤表导入")
        verbose_name_plural = _("考勤表导入")
