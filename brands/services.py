"""Writes of reference data used outside the admin (demo data, later imports)."""

from django.db import transaction

from .models import Area, Organisation
from .validators import normalise_uscc, validate_uscc


@transaction.atomic
def organisation_upsert(
    *,
    name: str,
    kind: str,
    area: Area,
    uscc: str | None = None,
    address: str = "",
    contact_person: str = "",
    contact_phone: str = "",
) -> tuple[Organisation, bool]:
    """Find the organisation by its credit code (or by area and name when it has none), else create it."""
    code = normalise_uscc(uscc) if uscc else None
    if code:
        validate_uscc(code)
        lookup = {"uscc": code}
    else:
        lookup = {"area": area, "name": name}
    organisation, created = Organisation.objects.update_or_create(
        **lookup,
        defaults={
            "name": name,
            "kind": kind,
            "area": area,
            "uscc": code,
            "address": address,
            "contact_person": contact_person,
            "contact_phone": contact_phone,
        },
    )
    return organisation, created
