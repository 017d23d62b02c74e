"""The home page's cards say what each role does there (findings, walk 2026-12: the reviewer's and the
viewer's pages kept the clerk's texts; the clerk had no card for 岗位推荐工作台 or 就业服务)."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def cards(client, user) -> dict[str, str]:
    """Card title -> its text, as the page shows them."""
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    found = re.findall(r'<div class="fw-semibold">(.*?)</div><div class="small text-muted">(.*?)</div>', html)
    return dict(found)


def test_a_clerk_has_cards_for_the_referral_worklist_and_employment_services(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    shown = cards(client, clerk)
    assert "岗位推荐工作台" in shown and "至少推荐 3 次" in shown["岗位推荐工作台"]
    assert f'href="{reverse("employment:worklist")}"' in html
    assert "就业服务" in shown
    assert f'href="{reverse("employment:labour_export_list")}">有组织劳务输出</a>' in html
    assert f'href="{reverse("employment:wage_case_list")}">欠薪案件</a>' in html
    assert shown["培训班期"] == "开设培训班期，上传花名册，登记结业与证书。"
    assert shown["补贴申请"].startswith("登记补贴申请")


def test_a_reviewer_reads_a_reviewers_card_texts(client, reviewer):
    shown = cards(client, reviewer)
    assert shown["培训班期"] == "查看培训班期、花名册导入记录、结业与证书情况。"
    assert shown["补贴申请"].startswith("审核本县区提交的补贴申请")
    assert shown["岗位推荐工作台"].startswith("查看")
    assert all("开设" not in text and "登记补贴申请" not in text for text in shown.values())


def test_the_city_viewer_reads_texts_of_reading_only(client, city_viewer):
    shown = cards(client, city_viewer)
    assert shown["培训班期"].startswith("查看")
    assert shown["补贴申请"].startswith("查看")
    assert shown["就业服务"].startswith("查看")
    assert all(not text.startswith(("开设", "登记", "审核", "审批")) for text in shown.values())


def test_the_city_clerk_and_the_administrator_read_their_own_subsidy_texts(client, make_staff):
    assert cards(client, make_staff(Role.CITY_CLERK))["补贴申请"].startswith("登记市级单位")
    assert cards(client, make_staff(Role.CITY_ADMIN))["补贴申请"].startswith("审批各县区和市级单位")
