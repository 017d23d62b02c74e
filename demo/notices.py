"""Demo notification data for `load_demo` (idempotent): an e-mail address for each demo staff account (so the
daily digest has somewhere to go), the city viewer's digest turned off (a preference in the other state), and
a few referral notices by SMS through the configured backend (the console backend by default: written to the
log, nothing leaves the machine) so that 消息发送记录 has rows."""

from django.contrib.auth import get_user_model

from demo.accounts import demo_logins
from employment.models import JobReferral
from employment.services import REFERRAL_NOTICE, referral_notice_text
from notices.models import SentMessage
from notices.services import preference_set, sms_send

DEMO_MAIL_DOMAIN = "example.gov.cn"
NOTICES = 3


def load() -> dict:
    usernames = [username for username, _role, _area in demo_logins()]
    users = get_user_model().objects.filter(username__in=usernames, email="")
    addressed = 0
    for user in users:
        user.email = f"{user.get_username()}@{DEMO_MAIL_DOMAIN}"
        user.save(update_fields=["email"])
        addressed += 1
    viewer = get_user_model().objects.filter(username="city_viewer").first()
    if viewer is not None:
        preference_set(user=viewer, daily_digest=False)
    sent = 0
    if not SentMessage.objects.filter(kind=REFERRAL_NOTICE).exists():
        referrals = JobReferral.objects.exclude(trainee__phone="").select_related("trainee", "area", "employer")
        for referral in referrals.order_by("pk")[:NOTICES]:
            if sms_send(phone=referral.trainee.phone, text=referral_notice_text(referral), kind=REFERRAL_NOTICE):
                sent += 1
    return {"addressed": addressed, "sms": sent}
