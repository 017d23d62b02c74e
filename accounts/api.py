"""What every app's API shares about personal data (accounts sits below training and employment, so all
of them may import it). Routes are registered in qinzhou_brands/api.py."""

from .audit import audit_export, check_person_export

# Said in the schema of every list PersonListMixin guards.
PERSON_LIST_NOTE = "名单属于个人信息：只有可导出人员名单的角色可以读取，每次读取记入审计日志。"


class PersonListMixin:
    """For a viewset whose list is a list of persons (trainees, enrolments, referrals, outcomes).

    Through the API such a list can be paged through and kept: it is an export of personal data (PIPL
    art. 51). Only the roles that may export persons may read it (the others get 403 with the reason,
    as on the export buttons), and each page read is an audit entry. One record by its id stays open
    to every role that may view it, as on the pages."""

    person_list_label = ""

    def list(self, request, *args, **kwargs):
        check_person_export(request.user)
        response = super().list(request, *args, **kwargs)
        data = response.data
        rows = len(data.get("results", ())) if isinstance(data, dict) else len(data or ())
        if rows:
            label = self.person_list_label or self.get_queryset().model._meta.verbose_name
            audit_export(request=request, subject=f"接口读取：{label}", what=f"{label}（接口读取）", rows=rows)
        return response
