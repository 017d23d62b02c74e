"""The referral import's calls on the pipeline, as the tests make them."""

from django.utils import timezone

from accounts.scoping import require_area
from core.imports import reading
from core.imports import services as imports
from employment.referral_import import REFERRALS
from employment.services import RECORD_WORK

NO_HEADER = REFERRALS.no_header_message()
NO_DATA = REFERRALS.no_data_message()
REQUIRED_COLUMNS = ("id_number", "name", "employer", "position", "referred_on", "channel")


def referral_upload(*, user, file_name: str, content: bytes, area=None):
    """What the upload page does: the clerk's own area, or the one a city user chose."""
    return imports.import_upload(
        spec=REFERRALS,
        scope=require_area(user, area, action=RECORD_WORK),
        user=user,
        file_name=file_name,
        content=content,
    )


def referral_commit(*, referral_import, user, skip_invalid: bool):
    return imports.import_request_commit(spec=REFERRALS, record=referral_import, user=user, skip_invalid=skip_invalid)


def referral_cancel(*, referral_import, user):
    return imports.import_cancel(spec=REFERRALS, record=referral_import, user=user)


def referral_process(*, content: bytes, area, user, commit: bool, skip_invalid: bool) -> dict:
    report = imports.import_process(
        spec=REFERRALS, scope=area, content=content, commit=commit, skip_invalid=skip_invalid, user=user
    )
    return report.to_json()


def read_referrals(content: bytes, *, keep_raw: bool = False, file_name: str = "") -> reading.Sheet:
    return reading.read_sheet(REFERRALS, content, rules=timezone.localdate(), keep_raw=keep_raw, file_name=file_name)
