"""The figures loaded from the seeds' text and news rather than their tables (fixtures/README.md, “Figures
from the plans' text and the news”): the README lists exactly these, each stands in its seed, and each is
in the database after load_real_data (loaded once for the session, conftest.py) with its source. Yuexiu's
annex of major projects adds up to its printed totals, and a figure that does not stops the load with the
file and row named, writing nothing."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import Indicator, ReportedValue, Target
from indicators.progress.engine import expected_path
from indicators.progress.evaluation import evaluate_values, observations_by_series, spec_for
from indicators.real_data import FIXTURES_DIR, FixtureError, load_real_data, read_file
from indicators.tests import factories
from indicators.tests.test_loader import append_row, dump, edit

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEEDS = {"000": "000_8180261ff0c5b572.txt", "001": "001_759f1e4f2db62b55.txt", "004": "004_e2df4344f011e384.txt"}
YUEXIU = "440104"


@dataclass(frozen=True)
class Figure:
    seed: str
    kind: str  # target (plan code) or value (area code)
    where: str
    indicator: str
    years: str  # "2024", or "2021–2025" for a five-year total or a figure covering those years
    figure: str
    printed: str  # the words in the seed, as printed (Traditional Chinese in 004; line breaks ignored)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.seed, self.kind, self.where, self.indicator, self.years, self.figure)

    @property
    def span(self) -> tuple[int, int]:
        first, _, last = self.years.partition("–")
        return int(first), int(last or first)


F = Figure
GZ14, YX14 = "guangzhou-14th-fyp", "yuexiu-14th-fyp"
FIGURES = [
    F("000", "target", GZ14, "urban_village_transformations", "2021–2025", "183",
      "promote the transformation of the whole city 183 villages"),
    F("000", "target", GZ14, "old_community_micro_renovations", "2021–2025", "395",
      "basically complete 395 micro-renovation projects in old residential areas"),
    F("000", "target", GZ14, "old_block_renovations", "2021–2025", "27", "and 27 renovation projects in old blocks"),
    F("000", "target", GZ14, "old_plant_renovations", "2021–2025", "306",
      "We will carry out 306 renovation projects of old industrial plants"),
    F("001", "target", "haizhu-2024", "industrial_investment_growth", "2024", "10",
      "industrial investment will increase by 10%"),
    F("001", "target", "haizhu-2024", "it_services_growth", "2024", "25",
      "new generation information technology service industry has grown by more than 25%"),
    F("001", "target", "haizhu-2024", "exhibition_revenue", "2024", "60",
      "The annual exhibition industry revenue will exceed 6 billion yuan"),
    F("001", "target", "liwan-2024", "industrial_investment_growth", "2024", "30",
      "industrial investment growth of more than 30%"),
    F("001", "target", "liwan-2024", "urban_village_transformations", "2024", "2",
      "start the transformation of 2 villages including Nanzhao Village"),
    F("004", "value", YUEXIU, "gdp", "2020", "3370.05", "全區地區生產總值(以下簡稱GDP)達3370.05億元"),
    F("004", "value", YUEXIU, "per_capita_gdp", "2020", "30", "人均地區生產總值近30萬元"),
    F("004", "value", YUEXIU, "modern_services_share", "2020", "70", "現代服務業增加值占服務業增加值比重近七成"),
    F("004", "value", YUEXIU, "rd_share", "2015", "1.45", "研發經費支出占GDP比重從1.45%提升到1.93%"),
    F("004", "value", YUEXIU, "pm25_concentration", "2015", "37", "PM2.5濃度由2015年的37微克/立方米"),
    F("004", "value", YUEXIU, "pm25_concentration", "2020", "22", "降至22微克/立方米"),
    F("004", "value", YUEXIU, "new_urban_jobs", "2016–2020", "24.77", "累計新增就業人數24.77萬人"),
    F("004", "target", YX14, "elderly_care_beds_per_1000", "2025", "30", "到2025年,每千名老人養老病床位數達到30張"),
    F("004", "target", YX14, "community_daycare_coverage", "2025", "100", "社區日間照料覆蓋率達到100%"),
    F("004", "target", YX14, "water_saving_community_share", "2025", "15", "力爭2025年前節水型小區覆蓋率達到15%"),
    F("004", "target", YX14, "old_community_micro_renovations", "2021–2025", "13",
      "完成北京街鹽運西等13個老舊小區微改造項目"),
    F("004", "target", YX14, "major_projects_innovation_investment", "2021–2025", "352935",
      "1 科技創新工程(5個) 1,375,047 352,935"),
    F("004", "target", YX14, "major_projects_industry_investment", "2021–2025", "1288868",
      "2 現代產業工程(26個) 2,425,386 1,288,868"),
    F("004", "target", YX14, "major_projects_smart_city_investment", "2021–2025", "29511",
      "3 智慧城市工程(2個) 60,011 29,511"),
    F("004", "target", YX14, "major_projects_urban_renewal_investment", "2021–2025", "205341",
      "4 城市更新工程(12個) 403,860 205,341"),
    F("004", "target", YX14, "major_projects_ecology_investment", "2021–2025", "128969",
      "5 生態環保工程(10個) 187,618 128,969"),
    F("004", "target", YX14, "major_projects_culture_investment", "2021–2025", "117795",
      "6 文化建設工程(8個) 288,879 117,795"),
    F("004", "target", YX14, "major_projects_livelihood_investment", "2021–2025", "481491",
      "7 民生福祉工程(11個) 661,839 481,491"),
]  # fmt: skip
CASES = [pytest.param(f, id=f"{f.where}-{f.indicator}-{f.years}") for f in FIGURES]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def seed(key: str) -> str:
    return squeeze((FIXTURES / "sources" / SEEDS[key]).read_text(encoding="utf-8"))


def readme_rows() -> list[tuple[str, ...]]:
    """The rows of the table under “### Loaded” in fixtures/README.md, as Figure keys."""
    text = (FIXTURES / "README.md").read_text(encoding="utf-8")
    section = text.split("## Figures from the plans' text and the news", 1)[1]
    table = section.split("### Loaded", 1)[1].split("###", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].isdigit():
            rows.append(tuple(cells[:6]))
    return rows


def test_the_readme_lists_exactly_these_figures():
    listed = readme_rows()
    assert len(listed) == len(set(listed)), "a figure is listed twice"
    assert set(listed) == {f.key for f in FIGURES}


@pytest.mark.parametrize("figure", CASES)
def test_each_figure_stands_in_its_seed(figure):
    assert squeeze(figure.printed) in seed(figure.seed)
    number = f"{Decimal(figure.figure):,}" if figure.indicator.startswith("major_projects_") else figure.figure
    words = {"modern_services_share": "近七成", "exhibition_revenue": "6 billion yuan"}  # 70%; 60 亿元
    assert words.get(figure.indicator, number) in figure.printed


@pytest.mark.parametrize("figure", CASES)
def test_each_figure_is_loaded_with_its_source(figure):
    first, last = figure.span
    if figure.kind == "value":
        value = ReportedValue.objects.get(
            area__code=figure.where, indicator__code=figure.indicator, year=last, quarter=0, span_from=first
        )
        assert value.value == Decimal(figure.figure)
        assert value.source_document.key == figure.seed
        assert value.source.startswith(SEEDS[figure.seed]) and value.notation
        return
    target = Target.objects.select_related("plan", "source_document").get(
        plan__code=figure.where, indicator__code=figure.indicator, target_year=last
    )
    assert target.target_value == Decimal(figure.figure)
    assert target.source_document.key == figure.seed and target.source_ref
    assert target.row == "", "a figure from the text, not from a plan table"
    assert target.is_cumulative == (first != last)
    if first != last:
        assert (target.plan.period_start, target.plan.period_end) == (first, last)
    if figure.seed in ("000", "001"):
        # English news: the note starts with the source's words in quotes, the notation is in Chinese.
        assert target.note.startswith('"')
        assert squeeze(figure.printed) in squeeze(target.note)
        assert not re.search(r"[A-Za-z]", target.target_notation), target.target_notation
        assert figure.figure in target.target_notation
    else:
        assert target.target_notation


def test_exhibition_revenue_is_converted_from_billions_of_yuan_to_its_unit():
    target = Target.objects.get(plan__code="haizhu-2024", indicator__code="exhibition_revenue")
    assert target.indicator.unit_zh == "亿元" and target.target_notation == "突破60亿元"
    assert (target.target_value, target.comparator) == (Decimal(60), "at_least")


def test_yuexiu_gdp_target_for_2025_starts_from_the_2020_figure():
    target = Target.objects.select_related("plan", "indicator").get(plan__code=YX14, indicator__code="gdp")
    assert (target.target_value, target.baseline_value) == (Decimal(4100), None)
    series = observations_by_series(Target.objects.filter(pk=target.pk))[(target.plan.area_id, target.indicator_id)]
    path = expected_path(spec_for(target), series)
    assert path[0] == (2020, 3370.05) and path[-1] == (2025, 4100.0)


def test_the_programmes_add_up_to_the_printed_totals():
    rows = read_file(FIXTURES_DIR, "major_projects.csv")
    (total,) = [row for row in rows if row["programme"] is None]
    programmes = [row for row in rows if row["programme"] is not None and row["number"] is None]
    assert (total["projects"], total["total_investment"], total["planned_investment"]) == (74, 5402640, 2604910)
    assert len(programmes) == 7 and sum(row["projects"] for row in programmes) == 74
    assert sum(row["total_investment"] for row in programmes) == Decimal(5402640)
    assert sum(row["planned_investment"] for row in programmes) == Decimal(2604910)
    targets = Target.objects.filter(plan__code=YX14, indicator__code__startswith="major_projects_")
    assert targets.count() == 7
    assert sum(t.target_value for t in targets) == Decimal(2604910)
    for target in targets:
        head = next(row for row in programmes if row["indicator"] == target.indicator.code)
        assert f"{head['total_investment']:,}" in target.note, "the programme's total investment is in the note"
        assert (target.comparator, target.is_cumulative, target.indicator.unit_zh) == ("at_least", True, "万元")
        assert (target.indicator.measure, target.indicator.category) == ("flow", "economy")


def test_a_programme_takes_its_yearly_completed_investment_like_any_figure():
    target = Target.objects.get(plan__code=YX14, indicator__code="major_projects_smart_city_investment")
    indicator = Indicator.objects.get(code="major_projects_smart_city_investment")
    factories.record_value(area=target.plan.area, indicator=indicator, year=2021, value=Decimal(6000))  # test figure
    verdict = evaluate_values(Target.objects.filter(pk=target.pk))[target.pk]
    assert verdict.method == "cumulative" and verdict.value == 6000
    assert verdict.expected == pytest.approx(29511 / 5)


# --- the sum checks: a figure that does not add up stops the load, and nothing is written ---


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, target, ignore=shutil.ignore_patterns("sources", "*.md"))
    return target


def refused(directory: Path, message: str) -> None:
    before = dump()
    with pytest.raises(FixtureError) as excinfo:
        load_real_data(directory)
    assert str(excinfo.value) == message
    assert dump() == before


PROGRAMMES = "rows 3, 4, 5, 6, 7, 8, 9"  # the seven programme rows, under the total (row 2)


def test_a_changed_programme_figure_stops_the_load(fixtures_copy):
    edit(fixtures_copy / "major_projects.csv", ",1375047,", ",1375048,")
    refused(
        fixtures_copy,
        "major_projects.csv, row 2, column 'total_investment': "
        f"the programmes ({PROGRAMMES}) add up to 5402641, the total prints 5402640",
    )


def test_a_changed_planned_figure_stops_the_load(fixtures_copy):
    edit(fixtures_copy / "major_projects.csv", ",29511,", ",29512,")
    refused(
        fixtures_copy,
        "major_projects.csv, row 2, column 'planned_investment': "
        f"the programmes ({PROGRAMMES}) add up to 2604911, the total prints 2604910",
    )


def test_a_changed_project_count_stops_the_load(fixtures_copy):
    edit(fixtures_copy / "major_projects.csv", "科技创新工程,5,", "科技创新工程,6,")
    refused(
        fixtures_copy,
        "major_projects.csv, row 2, column 'projects': "
        f"the programmes ({PROGRAMMES}) add up to 75, the total prints 74",
    )


def test_a_target_that_differs_from_its_programme_stops_the_load(fixtures_copy):
    path = fixtures_copy / "targets.csv"
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ",29511," in text)
    edit(path, ",29511,", ",29512,")
    refused(
        fixtures_copy,
        f"targets.csv, row {line}, column 'target_value': a programme's target is its planned investment over the "
        "plan's years: cumulative, 29511 (major_projects.csv, row 5)",
    )


# The seed prints the programmes' rows only. To test the check of projects against their programme, the
# tests below list made-up projects under programme 3 (智慧城市工程: 2 projects, 60011 and 29511 万元) in a
# copy of the fixtures; they are test figures, not real data.


def add_projects(directory: Path, *figures: tuple[str, str]) -> list[int]:
    return [
        append_row(
            directory / "major_projects.csv",
            plan=YX14,
            programme="3",
            number=str(number),
            name_zh=f"测试项目{number}",
            total_investment=total,
            planned_investment=planned,
            source="004",
        )
        for number, (total, planned) in enumerate(figures, 1)
    ]


def test_projects_that_add_up_to_their_programme_load(fixtures_copy):
    add_projects(fixtures_copy, ("60000", "29500"), ("11", "11"))
    load_real_data(fixtures_copy)


def test_a_changed_project_figure_stops_the_load(fixtures_copy):
    first, second = add_projects(fixtures_copy, ("60000", "29500"), ("12", "11"))
    refused(
        fixtures_copy,
        "major_projects.csv, row 5, column 'total_investment': "
        f"its projects (rows {first}–{second}) add up to 60012, the programme prints 60011",
    )


def test_a_missing_project_stops_the_load(fixtures_copy):
    (line,) = add_projects(fixtures_copy, ("60011", "29511"))
    refused(
        fixtures_copy,
        f"major_projects.csv, row 5, column 'projects': 1 listed (row {line}), the programme prints 2 projects",
    )
