"""A small 15th-FYP-style indicator table, tab-separated as copied from a spreadsheet (written for the
tests: the 15th FYP tables are not among the seeds). Row 6's PM2.5 wording is not one the tables
loaded so far use, and rows 7 and 8 name no recorded indicator."""

from __future__ import annotations

TABLE_15TH = "\n".join(
    [
        "专栏2 “十五五”时期经济社会发展主要指标",
        "类别\t序号\t指标\t单位\t2025年\t2030年\t年均增长\t属性",
        "经济发展\t1\t地区生产总值增长率\t%\t5.0\t\t5左右\t预期性",
        "\t2\t研發經費支出(R&D)占地區生產總值比例\t%\t3.6\t4以上\t\t预期性",
        "创新驱动\t3\t每万人口高价值发明专利拥有量\t件\t30\t45\t\t预期性",
        "\t4\t数字经济核心产业增加值占地区生产总值比重\t%\t25\t30\t\t预期性",
        "绿色生态\t5\t单位地区生产总值能源消耗降低\t%\t\t〔14〕\t\t约束性",
        "\t6\t细颗粒物(PM2.5)年均浓度\t微克/立方米\t22\t20以下\t\t约束性",
        "民生福祉\t7\t城镇调查失业率\t%\t\t5.5以内\t\t预期性",
        "\t8\t每千人口拥有托育机构托位数\t个\t4.5\t5.5\t\t预期性",
        "",
        "注：1.〔 〕内为五年累计数。",
    ]
)
PLAN = {
    "code": "guangzhou-15th-fyp",
    "area": "440100",
    "kind": "five_year",
    "name_zh": "广州市“十五五”规划",
    "name_en": "Guangzhou 15th Five-Year Plan",
    "start": 2026,
    "end": 2030,
    "source_key": "015",
    "source_title_zh": "广州市国民经济和社会发展第十五个五年规划纲要",
    "source_ref": "专栏2",
}
