"""The seeded tasks are the plan's measures: compared with the plan's own text (钦政办〔2022〕22号)."""

import re
from pathlib import Path

from plantasks.models import PlanTask

PLAN = (Path(__file__).parent / "data" / "qinzhou-2022-22-labor-brand-plan.txt").read_text(encoding="utf-8")
COUNTY_GOVERNMENTS = {"钦南区人民政府", "钦北区人民政府", "灵山县人民政府", "浦北县人民政府"}


def plan_measures() -> dict[str, tuple[str, list[str]]]:
    """{section: (wording, responsible units)} read from the plan: section 二's brand lines and section 三's
    numbered measures (and its unnumbered ones), each ending with （责任单位：…）."""
    flat = re.sub(r"\s*\n\s*", "", PLAN)
    two = flat[flat.index("二、重点劳务品牌打造") : flat.index("三、主要措施")]
    three = flat[flat.index("三、主要措施") : flat.index("四、工作要求")]
    measures = {}
    for m in re.finditer(r"（([一二三四])）(.*?)（责任单位：(.*?)）", two):
        measures[f"二（{m[1]}）"] = (m[2], m[3])
    parts = re.split(r"（([一二三四五])）开展“八桂系列”劳务品牌[^。]*?行动。", three)
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        numbered = list(re.finditer(r"(\d)\. (.*?)（责任单位：(.*?)）", body))
        for m in numbered:
            measures[f"三（{number}）{m[1]}"] = (m[2], m[3])
        if not numbered:
            m = re.search(r"(.*?)（责任单位：(.*?)）", body)
            measures[f"三（{number}）"] = (m[1], m[2])
    return {
        section: (wording, [name for part in units.split("，") for name in part.split("、")])
        for section, (wording, units) in measures.items()
    }


def test_one_task_per_measure_with_the_plans_words_and_units(fourteenth):
    measures = plan_measures()
    assert len(measures) == 13  # 4 brand lines + 9 measures
    tasks = {t.section: t for t in PlanTask.objects.filter(period=fourteenth).prefetch_related("departments")}
    assert set(tasks) == set(measures)
    for section, (wording, units) in measures.items():
        task = tasks[section]
        assert task.wording == wording
        assert wording.startswith(task.title + "。")
        assert task.lead.name == units[0] == "市人力资源社会保障局"
        expected = set(units) - {"各县区人民政府"}
        if "各县区人民政府" in units:
            expected |= COUNTY_GOVERNMENTS
        assert {d.name for d in task.departments.all()} == expected, section


def test_brand_lines_are_due_2025_and_count_trainings_and_jobs(fourteenth):
    housekeeping = PlanTask.objects.get(period=fourteenth, section="二（一）")
    assert housekeeping.due == "到2025年"
    assert housekeeping.brand.code == "housekeeping"
    assert housekeeping.metric_labels == ["培训人次", "带动就业创业人次"]
    wages = PlanTask.objects.get(period=fourteenth, section="三（四）")
    assert wages.due == "持续推进" and wages.metrics == ["wage_closure"]
    assert "市司法局" in {d.name for d in wages.departments.all()}
