"""Reference data in the admin, even for the city administrator: names are plain text (a renamed
category once put markup into the dashboard) and codes, which rosters and statistics key on, stay fixed."""

import pytest
from django.urls import reverse

from brands.models import BrandLine
from training.models import PriorityCategory

pytestmark = pytest.mark.django_db
REFUSED = "名称不能包含尖括号 &lt; &gt; 或不可见字符"


def test_a_category_name_with_markup_is_refused(admin_client_city):
    category = PriorityCategory.objects.first()
    url = reverse("admin:training_prioritycategory_change", args=[category.pk])
    response = admin_client_city.post(url, {"name": '<img src=x onerror="alert(1)">', "sort_order": 1})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    renamed = admin_client_city.post(url, {"name": "脱贫人口（含监测对象）", "sort_order": 1})
    assert renamed.status_code == 302
    category.refresh_from_db()
    assert category.name == "脱贫人口（含监测对象）"


def test_codes_are_fixed_once_the_record_exists(admin_client_city):
    category = PriorityCategory.objects.first()
    brand = BrandLine.objects.first()
    for url in (
        reverse("admin:training_prioritycategory_change", args=[category.pk]),
        reverse("admin:brands_brandline_change", args=[brand.pk]),
    ):
        page = admin_client_city.get(url).content.decode()
        assert 'name="code"' not in page, url
    assert 'name="code"' in admin_client_city.get(reverse("admin:training_prioritycategory_add")).content.decode()
    code = category.code
    admin_client_city.post(
        reverse("admin:training_prioritycategory_change", args=[category.pk]),
        {"name": category.name, "code": "renamed", "sort_order": category.sort_order},
    )
    category.refresh_from_db()
    assert category.code == code


def test_an_organisation_name_with_markup_is_refused(clerk_client, area):
    response = clerk_client.post(
        reverse("admin:brands_organisation_add"),
        {
            "name": "<script>alert(1)</script>培训学校",
            "kind": "enterprise",
            "area": area.pk,
            "is_active": "on",
            "recognitions-TOTAL_FORMS": "0",
            "recognitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()


def test_a_category_people_hold_cannot_be_deleted(admin_client_city):
    """The links have no database constraint (Trainee.categories): the admin refuses instead, on the delete
    page and in the bulk action; a category nobody holds is deleted."""
    from training.tests.factories import TraineeFactory

    held, unused = PriorityCategory.objects.order_by("pk")[:2]
    TraineeFactory().categories.add(held)
    url = reverse("admin:training_prioritycategory_delete", args=[held.pk])
    page = admin_client_city.get(url).content.decode()
    assert f"人员类别“{held.name}”：已有 1 名学员登记为该类别，不能删除" in page
    admin_client_city.post(url, {"post": "yes"})
    bulk = admin_client_city.post(
        reverse("admin:training_prioritycategory_changelist"),
        {"action": "delete_selected", "_selected_action": [held.pk, unused.pk], "post": "yes"},
    )
    assert "不能删除" in bulk.content.decode()
    assert set(PriorityCategory.objects.filter(pk__in=[held.pk, unused.pk]).values_list("pk", flat=True)) == {
        held.pk,
        unused.pk,
    }
    admin_client_city.post(reverse("admin:training_prioritycategory_delete", args=[unused.pk]), {"post": "yes"})
    assert not PriorityCategory.objects.filter(pk=unused.pk).exists()
    assert PriorityCategory.objects.filter(pk=held.pk).exists()
