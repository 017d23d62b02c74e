"""Issue 13: the dashboard's chart tooltips show names as text, never as HTML.

ECharts renders tooltips as HTML, and brand lines and priority groups are named by the city
administrator. The page is rendered by the test client and loaded into a blank chromium page with the
real ECharts and dashboard.js (no live server: fast); every chart then shows the tooltip of every bar,
and every tooltip formatter is called as ECharts would call it. The browser test in e2e/ hovers the
charts of the served page."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from brands.models import BrandLine
from conftest import require_service
from training.models import PriorityCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

EVIL = "<img src=x onerror=alert(1)>"
CHROMIUM = Path("/usr/bin/chromium")
STATIC = Path(settings.BASE_DIR) / "static"

# For each chart: the tooltip of each of its categories (showTip), then each tooltip formatter called
# directly with the names ECharts passes (series, category) set to the dangerous text.
PROBE = """(evil) => {
  const shown = [];
  const formatted = [];
  for (const el of document.querySelectorAll(".chart-box")) {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) continue;
    const option = chart.getOption();
    // Every chart's tooltip is per category (trigger "axis"): point at each category's middle, as a
    // mouse over its row or column does (bars without a value, e.g. no target, have no data point).
    const vertical = option.xAxis[0].type === "category";
    const categories = (vertical ? option.xAxis[0] : option.yAxis[0]).data;
    for (let i = 0; i < categories.length; i++) {
      const at = chart.convertToPixel(vertical ? { xAxisIndex: 0 } : { yAxisIndex: 0 }, i);
      const [x, y] = vertical ? [at, el.clientHeight / 2] : [el.clientWidth / 2, at];
      chart.dispatchAction({ type: "showTip", x, y });
      const tip = [...el.querySelectorAll("div")].find((d) => d.style.position === "absolute" && d.innerHTML);
      if (tip) shown.push({ chart: el.id, html: tip.innerHTML, text: tip.textContent });
    }
    const item = { dataIndex: 0, seriesIndex: 0, seriesName: evil, name: evil, axisValueLabel: evil, value: 1, marker: "" };
    const formatters = [...(option.tooltip || []), ...option.series.map((s) => s.tooltip || {})]
      .map((t) => t.formatter)
      .filter((f) => typeof f === "function");
    for (const f of formatters) formatted.push({ chart: el.id, html: String(f([item])) });
  }
  return { shown, formatted, images: document.querySelectorAll("img").length };
}"""


@pytest.fixture
def dashboard_html(admin_client_city):
    BrandLine.objects.create(code="xss-brand", name=EVIL, sort_order=99)
    PriorityCategory.objects.create(code="xss-group", name=EVIL, sort_order=99)
    response = admin_client_city.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_tooltips_show_names_as_text(dashboard_html):
    require_service("Debian's chromium", CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.set_content(dashboard_html)
            page.add_style_tag(content=".chart-box { width: 640px; height: 320px; }")
            page.add_script_tag(path=STATIC / "vendor/echarts/echarts.common.min.js")
            page.add_script_tag(path=STATIC / "js/dashboard.js")
            result = page.evaluate(PROBE, EVIL)
        finally:
            browser.close()

    charts = {entry["chart"] for entry in result["shown"]}
    assert {"chart-brands", "chart-areas", "chart-years", "chart-groups"} <= charts
    # The names are in the tooltips, as text the user reads.
    texts = " ".join(entry["text"] for entry in result["shown"])
    assert texts.count(EVIL) >= 2, json.dumps(result["shown"], ensure_ascii=False)[:2000]
    for entry in result["shown"] + result["formatted"]:
        assert "<img" not in entry["html"], entry
    assert result["images"] == 0
    assert dialogs == []


# --- the allocation grid's live sums (walk of 2026-12) -------------------------------------------------

GRID_PROBE = """() => {
  const type = (name, text) => {
    const input = document.querySelector(`input[name="${name}"]`);
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return input;
  };
  const sums = () => ({
    columns: [...document.querySelectorAll("tfoot .column-sum")].map((cell) => cell.textContent),
    grand: document.querySelector("tfoot .grand-sum").textContent,
  });
  type("cell_450702_housekeeping", "1,000");
  type("cell_450703_housekeeping", "１，２００");
  const grouped = sums();
  const bad = type("cell_450721_housekeeping", "abc");
  const invalid = { ...sums(), marked: bad.classList.contains("is-invalid"), title: bad.title };
  type("cell_450721_housekeeping", "");
  return { grouped, invalid, mended: { ...sums(), marked: bad.classList.contains("is-invalid") } };
}"""


def test_the_grid_sums_read_grouped_numbers_and_refuse_to_skip_a_bad_cell(admin_client_city):
    require_service("Debian's chromium", CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    html = admin_client_city.get(reverse("dashboard:targets"), {"metric": "trainings", "year": "2023"})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            page.set_content(html.content.decode())
            page.add_script_tag(path=STATIC / "js/dashboard.js")
            result = page.evaluate(GRID_PROBE)
        finally:
            browser.close()
    # 八桂家政 is the first column: 1,000 + 1,200 typed with separators (and full-width digits).
    assert result["grouped"]["columns"][0] == "2,200" and result["grouped"]["grand"] == "2,200"
    # "abc" in the column: the cell is marked, and no total that leaves it out is shown.
    assert result["invalid"]["marked"] and "请填写整数" in result["invalid"]["title"]
    assert result["invalid"]["columns"][0] == "—" and result["invalid"]["grand"] == "—"
    assert result["mended"] == {"columns": result["grouped"]["columns"], "grand": "2,200", "marked": False}
