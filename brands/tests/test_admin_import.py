"""Imports through the admin's import-export pages validate every row as the admin's form does (#14): an
organisation with 统一社会信用代码 `not-a-valid-code` was once saved that way. Each test uploads a real csv or
xlsx file to the import page as the city administrator, as a user would."""

import csv
import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from brands.models import Area, BrandLine, Organisation, Target
from core.credit_code import make_uscc

pytestmark = pytest.mark.django_db

GOOD_CODE = make_uscc(admin_code="450702", serial=424242)


def _format_index(model, title: str) -> int:
    formats = admin.site._registry[model].get_import_formats()
    return next(index for index, fmt in enumerate(formats) if fmt().get_title() == title)


def _file(title: str, rows: list[list]) -> io.BytesIO:
    if title == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        upload = io.BytesIO(text.getvalue().encode("utf-8"))
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
    upload.name = f"单位.{title}"
    return upload


def _import(client, model, title, rows):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    return client.post(url, {"format": _format_index(model, title), "import_file": _file(title, rows)})


def _organisations(area, *codes):
    header = ["id", "name", "uscc", "kind", "area", "address", "contact_person", "contact_phone", "is_active"]
    rows = [
        ["", f"导入单位{n}", code, "enterprise", area.pk, "钦州市", "", "", "1"]
        for n, code in enumerate(codes, start=1)
    ]
    return [header, *rows]


@pytest.mark.parametrize("title", ["csv", "xlsx"])
def test_an_invalid_credit_code_is_a_row_error_and_nothing_is_saved(admin_client_city, area, title):
    response = _import(admin_client_city, Organisation, title, _organisations(area, GOOD_CODE, "not-a-valid-code"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "统一社会信用代码应为 18 位，当前为 16 位。" in page
    assert 'name="import_file_name"' not in page  # no confirmation offered
    assert not Organisation.objects.filter(name__startswith="导入单位").exists()


@pytest.mark.parametrize("title", ["csv", "xlsx"])
def test_a_valid_file_is_imported_after_the_confirmation(admin_client_city, area, title):
    spaced = " ".join([GOOD_CODE[:9], GOOD_CODE[9:].lower()])  # as typed: spaces, lower case
    response = _import(admin_client_city, Organisation, title, _organisations(area, spaced, ""))
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    done = admin_client_city.post(
        reverse("admin:brands_organisation_process_import"),
        {name: confirm.initial[name] for name in ("import_file_name", "original_file_name", "format")},
    )
    assert done.status_code == 302
    imported = Organisation.objects.filter(name__startswith="导入单位").order_by("name")
    assert [o.uscc for o in imported] == [GOOD_CODE, None]


def test_a_name_with_markup_and_a_changed_code_are_row_errors(admin_client_city):
    brand = BrandLine.objects.get(code="housekeeping")
    rows = [["id", "name", "code", "sort_order"], [brand.pk, "八桂家政<script>", "renamed", brand.sort_order]]
    page = _import(admin_client_city, BrandLine, "csv", rows).content.decode()
    assert "名称不能包含尖括号" in page
    assert "代码创建后不能修改" in page
    brand.refresh_from_db()
    assert (brand.name, brand.code) == ("八桂家政", "housekeeping")


def test_an_import_breaking_a_constraint_is_a_row_error(admin_client_city):
    area = Area.objects.get(code="450702")
    rows = [
        ["id", "area", "brand", "year_from", "year_to", "metric", "value"],
        ["", area.pk, "", 2025, 2021, "trainings", 10],
    ]
    page = _import(admin_client_city, Target, "csv", rows).content.decode()
    assert "截止年度不能早于起始年度。" in page
    assert not Target.objects.filter(year_from=2025, year_to=2021).exists()


def test_a_confirmation_posted_by_hand_for_a_failing_file_saves_no_row(admin_client_city, area):
    """The import page offers no confirmation when a row fails; posting one anyway still saves nothing."""
    model_admin = admin.site._registry[Organisation]
    index = _format_index(Organisation, "csv")
    upload = SimpleUploadedFile("单位.csv", _file("csv", _organisations(area, GOOD_CODE, "not-a-valid-code")).read())
    stored = model_admin.write_to_tmp_storage(upload, model_admin.get_import_formats()[index]())
    response = admin_client_city.post(
        reverse("admin:brands_organisation_process_import"),
        {"import_file_name": stored.name, "original_file_name": "单位.csv", "format": index},
    )
    assert response.status_code < 500
    assert not Organisation.objects.filter(name__startswith="导入单位").exists()
