"""Every read of the training app, scoped by the requesting user; and the training counts."""

import datetime
from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_queryset
from brands.models import Area, Occupation, Organisation

from .identity import normalise_id_number
from .models import Enrolment, RosterImport, Trainee, TrainingBatch


def batch_find(
    *,
    area: Area,
    occupation: Occupation,
    provider: Organisation | None,
    start_date: datetime.date,
    end_date: datetime.date,
) -> TrainingBatch | None:
    """The batch identified as the command line identifies it (no user: the caller is an operator)."""
    return TrainingBatch.objects.filter(
        area=area, occupation=occupation, provider=provider, start_date=start_date, end_date=end_date
    ).first()


def training_counts(*, year: int | None = None) -> Counter:
    """培训人次 per (area id, brand id): completed enrolments, attributed to the batch's area, the
    occupation's brand and the year of the batch's end date. A person in two batches counts twice."""
    enrolments = Enrolment.objects.filter(completed=True)
    if year is not None:
        enrolments = enrolments.filter(batch__end_date__year=year)
    rows = enrolments.values("batch__area_id", "batch__occupation__brand_id").annotate(n=Count("id"))
    return Counter({(row["batch__area_id"], row["batch__occupation__brand_id"]): row["n"] for row in rows})


def batch_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    batches = scope_queryset(
        TrainingBatch.objects.select_related("area", "occupation", "occupation__brand", "provider"), user
    ).annotate(
        enrolment_count=Count("enrolments", distinct=True),
        completed_count=Count("enrolments", filter=Q(enrolments__completed=True), distinct=True),
    )
    if filters.get("area"):
        batches = batches.filter(area__code=filters["area"])
    if filters.get("brand"):
        batches = batches.filter(occupation__brand__code=filters["brand"])
    if filters.get("occupation"):
        batches = batches.filter(occupation_id=filters["occupation"])
    if filters.get("status"):
        batches = batches.filter(status=filters["status"])
    if filters.get("year"):
        batches = batches.annotate(end_year=ExtractYear("end_date")).filter(end_year=filters["year"])
    return batches.order_by("-start_date", "-id")


def batch_get(*, user, pk: int) -> TrainingBatch:
    return get_object_or_404(
        scope_queryset(
            TrainingBatch.objects.select_related("area", "occupation", "occupation__brand", "provider"), user
        ),
        pk=pk,
    )


def batch_enrolments(*, batch: TrainingBatch) -> QuerySet:
    """The roster of a batch the caller already holds through `batch_get`."""
    return (
        Enrolment.objects.filter(batch=batch)
        .select_related("trainee")
        .prefetch_related("trainee__categories")
        .order_by("trainee__name", "id")
    )


def trainee_search(*, user, query: str = "") -> QuerySet:
    """Trainees who took a batch in the user's area, by name or ID number (full or its last digits)."""
    batches = scope_queryset(TrainingBatch.objects.all(), user)
    trainees = Trainee.objects.filter(enrolments__batch__in=batches).distinct()
    query = (query or "").strip()
    if query:
        number = normalise_id_number(query)
        if number[:1].isdigit() and len(number) >= 4:
            trainees = (
                trainees.filter(id_number__endswith=number) if len(number) < 18 else trainees.filter(id_number=number)
            )
        else:
            trainees = trainees.filter(name__contains=query)
    return (
        trainees.prefetch_related("categories")
        .annotate(batch_count=Count("enrolments", distinct=True))
        .order_by("name", "id")
    )


def trainee_get(*, user, pk: int) -> Trainee:
    """A trainee is visible to a county user when they took a batch in that user's area."""
    batches = scope_queryset(TrainingBatch.objects.all(), user)
    return get_object_or_404(Trainee.objects.filter(enrolments__batch__in=batches).distinct(), pk=pk)


def trainee_enrolments(*, user, trainee: Trainee) -> QuerySet:
    return scope_queryset(
        Enrolment.objects.filter(trainee=trainee).select_related(
            "batch", "batch__area", "batch__occupation", "batch__occupation__brand", "batch__provider"
        ),
        user,
        area_field="batch__area",
    ).order_by("-batch__start_date")


def import_list(*, user, batch: TrainingBatch | None = None) -> QuerySet:
    imports = scope_queryset(
        RosterImport.objects.defer("content", "report").select_related(
            "batch", "batch__area", "batch__occupation", "uploaded_by"
        ),
        user,
        area_field="batch__area",
    )
    if batch is not None:
        imports = imports.filter(batch=batch)
    return imports.order_by("-uploaded_at", "-id")


def import_get(*, user, pk: int, with_content: bool = False) -> RosterImport:
    imports = RosterImport.objects.select_related("batch", "batch__area", "batch__occupation", "uploaded_by")
    if not with_content:
        imports = imports.defer("content")
    return get_object_or_404(scope_queryset(imports, user, area_field="batch__area"), pk=pk)
