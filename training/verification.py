"""Public certificate verification (证书查询): one read, no user. A certificate is found only when its number
and its holder's name both match; the answer then shows the masked name, never the ID number or phone."""

import unicodedata
from dataclasses import dataclass

from core.masking import mask_name

from .models import Enrolment
from .services import normalise_certificate_number


@dataclass(frozen=True)
class VerifiedCertificate:
    holder: str  # masked
    occupation: str
    certificate: str
    issued: object
    area: str
    number: str


def certificate_lookup(*, number: str, name: str) -> VerifiedCertificate | None:
    """The certificate with this number held by a person of this name, or None (either part wrong, or both)."""
    number = normalise_certificate_number(number)
    name = "".join(unicodedata.normalize("NFKC", name or "").split())
    if not number or not name:
        return None
    enrolment = (
        Enrolment.objects.select_related("trainee", "batch__occupation", "batch__area")
        # Every type named: the (certificate, number) unique index then finds the number.
        .filter(certificate__in=[kind for kind in Enrolment.Certificate.values if kind], certificate_number=number)
        .filter(trainee__name=name, completed=True)
        .order_by("id")
        .first()
    )
    if enrolment is None:
        return None
    return VerifiedCertificate(
        holder=mask_name(enrolment.trainee.name),
        occupation=enrolment.batch.occupation.name,
        certificate=enrolment.get_certificate_display(),
        issued=enrolment.certificate_date,
        area=enrolment.batch.area.name,
        number=number,
    )
