"""The admin's trainee form refuses the names and phones the roster refuses, with the same messages
(training/validators.py is the one home of both rules)."""

import pytest
from django.urls import reverse

from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(area):
    return EnrolmentFactory(trainee=TraineeFactory(name="黄小梅"), batch=TrainingBatchFactory(area=area)).trainee


def post(client, trainee, **fields):
    data = {"name": trainee.name, "phone": trainee.phone, "education": "", "household_address": "", "note": ""}
    data.update(fields)
    return client.post(reverse("admin:training_trainee_change", args=[trainee.pk]), data)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("黄3梅", "姓名含有数字或符号，请只填写姓名本身。"),
        ("<b>黄</b>", "姓名含有数字或符号，请只填写姓名本身。"),
        ("黄", "姓名应为 2 至 20 个字，当前为 1 个字。"),
        ("   ", "姓名未填写。"),
    ],
)
def test_a_bad_name_is_refused_with_the_rosters_message(admin_client_city, trainee, name, message):
    response = post(admin_client_city, trainee, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.name == "黄小梅"


def test_a_bad_phone_is_refused_with_the_rosters_message(admin_client_city, trainee):
    response = post(admin_client_city, trainee, phone="12345")
    assert response.status_code == 200
    assert "联系电话“12345”不正确：应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）。" in (
        response.content.decode()
    )
    trainee.refresh_from_db()
    assert trainee.phone == "13800138000"


def test_a_good_name_and_phone_are_stored_as_the_roster_would(admin_client_city, trainee):
    response = post(admin_client_city, trainee, name="黄 小\u200b兰", phone="+86 139 0000 1111")
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert (trainee.name, trainee.phone) == ("黄小兰", "13900001111")
    assert post(admin_client_city, trainee, phone="").status_code == 302
    trainee.refresh_from_db()
    assert trainee.phone == ""


@pytest.mark.parametrize("order", ["", "1", "-1"])
def test_the_admins_trainee_list_is_in_the_registrys_name_order(admin_client_city, order):
    """As the registry page (pinyin on PostgreSQL, code point on SQLite), by default and when 姓名 is clicked."""
    from django.db import connection

    names = ["张伟", "农丽", "何明", "劳强", "安娜"]
    for name in names:
        EnrolmentFactory(trainee=TraineeFactory(name=name))
    url = reverse("admin:training_trainee_changelist") + (f"?o={order}" if order else "")
    page = admin_client_city.get(url).content.decode()
    expected = ["安娜", "何明", "劳强", "农丽", "张伟"] if connection.vendor == "postgresql" else sorted(names)
    assert sorted(names, key=page.index) == (expected[::-1] if order == "-1" else expected)


def test_a_list_sorted_by_person_backwards_has_their_names_backwards():
    """Sorting enrolments by 学员 a second time reverses the names too (the name order has no fixed direction)."""
    from django.db import connection

    from training.models import Enrolment

    names = ["张伟", "农丽", "何明", "劳强", "安娜"]
    for name in names:
        EnrolmentFactory(trainee=TraineeFactory(name=name))
    expected = ["安娜", "何明", "劳强", "农丽", "张伟"] if connection.vendor == "postgresql" else sorted(names)
    assert [e.trainee.name for e in Enrolment.objects.order_by("trainee").select_related("trainee")] == expected
    assert [e.trainee.name for e in Enrolment.objects.order_by("-trainee").select_related("trainee")] == expected[::-1]
