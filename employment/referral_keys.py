"""推荐编号: the opaque per-row key the worklist export carries so that the filled-in sheet can be imported
without full ID numbers (the export masks them).

A key is a signed token (django.core.signing, with this module's salt and the project's secret key) of the
person's record number and the area whose worklist exported it, with the time it was made. It holds no ID
number, cannot be made up or altered without the secret key, is refused after
`REFERRAL_KEY_MAX_AGE_DAYS` days, and is accepted only by an import for the area it was made for: another
area's key is refused as an unknown person would be."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "employment.referral-key"


@dataclass(frozen=True)
class ReferralKey:
    trainee_id: int
    area_id: int


class ReferralKeyError(ValueError):
    """A key that cannot be used, with a message for the clerk."""


def referral_key_make(*, trainee_id: int, area_id: int) -> str:
    return signing.dumps([trainee_id, area_id], salt=SALT)


def referral_key_read(text: str) -> ReferralKey:
    max_age_days = settings.REFERRAL_KEY_MAX_AGE_DAYS
    try:
        trainee_id, area_id = signing.loads(text, salt=SALT, max_age=max_age_days * 24 * 3600)
    except signing.SignatureExpired:
        raise ReferralKeyError(
            f"推荐编号已过期（导出超过 {max_age_days} 天）：请重新导出岗位推荐工作台，在新表中填写。"
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ReferralKeyError(
            "推荐编号无效：请使用岗位推荐工作台导出表中的推荐编号，不要修改；或删去推荐编号，填写完整的身份证号码。"
        ) from None
    if not isinstance(trainee_id, int) or not isinstance(area_id, int):
        raise ReferralKeyError("推荐编号无效：请使用岗位推荐工作台导出表中的推荐编号，不要修改。")
    return ReferralKey(trainee_id=trainee_id, area_id=area_id)
