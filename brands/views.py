"""The public training catalogue (动态培训清单): no login."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.xlsx import add_table_sheet, new_workbook, xlsx_response

from .selectors import catalogue_published


def _areas_label(occupation) -> str:
    names = [str(area) for area in occupation.areas.all()]
    return "、".join(names) if names else "全市"


@require_safe
def catalogue(request):
    today = timezone.localdate()
    lines = catalogue_published(on=today)
    return render(
        request,
        "brands/catalogue.html",
        {"lines": lines, "today": today, "total": sum(len(line.occupations) for line in lines)},
    )


@require_safe
def catalogue_xlsx(request):
    today = timezone.localdate()
    rows = [
        (
            line.brand.name,
            occupation.name,
            _areas_label(occupation),
            occupation.published_from,
            occupation.published_to or "长期",
            occupation.description,
        )
        for line in catalogue_published(on=today)
        for occupation in line.occupations
    ]
    workbook = new_workbook()
    sheet = add_table_sheet(
        workbook,
        title="动态培训清单",
        heading=f"钦州市“八桂系列”劳务品牌动态培训清单（{today:%Y年%m月%d日}）",
        headers=["劳务品牌", "职业（工种）", "重点发展地区", "纳入清单日期", "移出清单日期", "说明"],
        rows=rows,
        widths=[18, 22, 30, 14, 14, 40],
    )
    for row in sheet.iter_rows(min_row=3, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return xlsx_response(workbook, f"动态培训清单-{today:%Y%m%d}.xlsx")
