import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_progress_report_json_carries_the_plan_targets():
    report = json.loads(run("progress_report", "--json"))
    assert report["year"] is None
    assert report["city"] == {"trainings": 0, "trainings_target": 12000, "jobs": 0, "jobs_target": 10000}
    assert [brand["code"] for brand in report["brands"]] == [
        "housekeeping",
        "construction",
        "rice-noodle",
        "local-specialty",
    ]
    assert report["brands"][0] == {
        "code": "housekeeping",
        "name": "八桂家政",
        "trainings": 0,
        "trainings_target": 3000,
        "jobs": 0,
        "jobs_target": 2400,
    }
    assert [area["code"] for area in report["areas"]] == ["450702", "450703", "450721", "450722", "QZFTZ"]
    assert report["areas"][0] == {
        "code": "450702",
        "name": "钦南区",
        "trainings": 0,
        "trainings_target": None,
        "jobs": 0,
        "jobs_target": None,
    }


def test_progress_report_for_one_year_has_no_period_targets():
    report = json.loads(run("progress_report", "--year", "2024", "--json"))
    assert report["year"] == 2024
    assert report["city"]["trainings_target"] is None


def test_progress_report_text():
    text = run("progress_report")
    assert "全市" in text
    assert "12,000" in text


@pytest.mark.parametrize(("value", "message"), [("abc", "年度“abc”无效"), ("1999", "超出范围")])
def test_progress_report_bad_year_is_a_chinese_error(value, message):
    with pytest.raises(CommandError, match=message):
        run("progress_report", "--year", value)


def test_load_demo_is_idempotent(django_user_model):
    run("load_demo", "--password", "Demo-password-2025")
    first = (django_user_model.objects.count(), sorted(django_user_model.objects.values_list("username", flat=True)))
    output = run("load_demo", "--password", "Demo-password-2025")
    assert (
        django_user_model.objects.count(),
        sorted(django_user_model.objects.values_list("username", flat=True)),
    ) == first
    assert "clerk_450702" in first[1]
    assert "reviewer_QZFTZ" in first[1]
    assert "city_admin" in first[1]
    assert "city_viewer" in first[1]
    assert "新建账号 0 个" in output
