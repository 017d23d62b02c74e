"""Issue 13: a brand line and a priority group named like HTML are shown as text on the dashboard.

The city administrator names brand lines and priority groups; ECharts renders chart tooltips as HTML.
The city official opens the served dashboard and moves the mouse over every category of every chart:
each tooltip shows the name as written, no <img> element appears and no dialog opens."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from brands.models import BrandLine
from training.models import PriorityCategory

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIL = "<img src=x onerror=alert(1)>"

# The middle of each category (bar row or column) of a chart, relative to the chart's box.
CATEGORY_POINTS = """(el) => {
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const vertical = option.xAxis[0].type === "category";
  const categories = (vertical ? option.xAxis[0] : option.yAxis[0]).data;
  return categories.map((_, i) => {
    const at = chart.convertToPixel(vertical ? { xAxisIndex: 0 } : { yAxisIndex: 0 }, i);
    return vertical ? [at, el.clientHeight / 2] : [el.clientWidth / 2, at];
  });
}"""


def test_chart_tooltips_show_names_as_text(sessions, open_as, city_viewer):
    BrandLine.objects.create(code="xss-brand", name=EVIL, sort_order=99)
    PriorityCategory.objects.create(code="xss-group", name=EVIL, sort_order=99)

    sessions.step("the city official opens the dashboard")
    page = open_as(city_viewer)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(reverse("dashboard:index"))
    expect(page.locator("#chart-brands svg")).to_be_visible()

    seen = {}
    for chart_id in ("chart-brands", "chart-areas", "chart-years", "chart-groups"):
        sessions.step(f"hover every category of {chart_id}")
        chart = page.locator(f"#{chart_id}")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        texts = []
        for x, y in chart.evaluate(CATEGORY_POINTS):
            page.mouse.move(box["x"] + x, box["y"] + y)
            tooltip = chart.locator("div[style*='position: absolute']").filter(has_text="人次").last
            expect(tooltip).to_be_visible()
            texts.append(tooltip.inner_text())
        seen[chart_id] = texts

    sessions.snapshot(page, "dashboard with html-like names")
    assert any(EVIL in text for text in seen["chart-brands"]), seen["chart-brands"]
    assert any(EVIL in text for text in seen["chart-groups"]), seen["chart-groups"]
    assert page.locator("#dashboard img").count() == 0
    # The table cells show the name as text too.
    expect(page.get_by_text(EVIL).first).to_be_visible()
    assert dialogs == []
    sessions.assert_pages_healthy()
