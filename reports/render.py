"""Lay a report out: a PDF typeset by WeasyPrint from HTML, and an editable Word document (python-docx).

Both take a `content.Report` and a `progress(done, total)` callback, called once per target as its
chart is drawn (the long part of a large report), and return the file's bytes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

import docx as python_docx
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import charts
from reports.content import Entry, Report

Progress = Callable[[int, int], None]

# The PDF's fonts: Debian's fonts-noto-cjk (Chinese and Latin), then Liberation/DejaVu for Latin text.
ZH_BODY = '"Noto Serif CJK SC", "Source Han Serif SC", "WenQuanYi Zen Hei", serif'
ZH_HEADINGS = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'
EN_BODY = '"Liberation Serif", "DejaVu Serif", "Noto Serif CJK SC", serif'
EN_HEADINGS = '"Liberation Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif'


# The page number at each page's foot (CSS generated content).
PAGE_LABELS = {
    "en": '"Page " counter(page) " of " counter(pages)',
    "zh-hans": '"第 " counter(page) " 页，共 " counter(pages) " 页"',
}
TOC_FIELD = 'TOC \\o "1-2" \\h \\z \\u'


def _ignore(done: int, total: int) -> None:
    return None


@dataclass
class Art:
    """A target's chart as the document shows it: an image (or None: too few points) and its words."""

    image: str | None
    png: bytes | None
    alt: str
    caption: str  # "Figure 3. …", for the PDF
    title: str = ""  # the caption without its number, for Word (its SEQ field numbers it)


def chart_labels(entry: Entry) -> dict[str, str]:
    return {
        "figures": _("Figures reported"),
        "path": _("Plan path"),
        "target": _("Target"),
        "unit": entry.unit,
    }


def art_for(entry: Entry, number: int, kind: str) -> Art:
    """The chart of one target, drawn as `kind` ("svg" or "png"), with its alternative text and caption."""
    chart = entry.chart
    if not charts.drawable(chart):
        return Art(None, None, _("Too few figures to draw a chart: the verdict above says what is known."), "")
    assert chart is not None
    first, last = (chart.figures[0].year, chart.figures[-1].year) if chart.figures else (None, None)
    if first is None:
        alt = _("No figure reported yet; the plan's target is %(target)s in %(year)s.") % {
            "target": entry.target,
            "year": chart.target.year if chart.target else "–",
        }
    else:
        alt = _("Figures reported %(first)s–%(last)s against the plan's path to %(target)s.") % {
            "first": first,
            "last": last,
            "target": entry.target,
        }
    caption = _("Figure %(number)s. %(name)s: figures reported and the plan's path") % {
        "number": number,
        "name": entry.name,
    }
    title = _("%(name)s: figures reported and the plan's path") % {"name": entry.name}
    labels = chart_labels(entry)
    if kind == "svg":
        data = "data:image/svg+xml;base64," + base64.b64encode(charts.svg(chart, labels)).decode()
        return Art(data, None, alt, caption, title)
    return Art(None, charts.png(chart, labels), alt, caption, title)


def _each_chart(report: Report, kind: str, progress: Progress) -> list[list[tuple[Entry, Art]]]:
    total, done, number = report.target_count, 0, 0
    sections = []
    for section in report.sections:
        items = []
        for entry in section.entries:
            art = art_for(entry, number + 1, kind)
            number += 1 if (art.image or art.png) else 0
            items.append((entry, art))
            done += 1
            progress(done, total)
        sections.append(items)
    return sections


def pdf(report: Report, progress: Progress = _ignore) -> bytes:
    """The report as an A4 PDF: cover, contents with page numbers, charts as vectors, fonts embedded."""
    from weasyprint import HTML  # imported when a PDF is made: it loads Pango and the system's fonts

    english = report.language == "en"
    with translation.override(report.language):
        arts = _each_chart(report, "svg", progress)
        page_label = (
            '"Page " counter(page) " of " counter(pages)'
            if english
            else '"第 " counter(page) " 页，共 " counter(pages) " 页"'
        )
        html = render_to_string(
            "reports/report.html",
            {
                "report": report,
                "sections": [(section, items) for section, items in zip(report.sections, arts, strict=True)],
                "page_label": page_label,
                "body_fonts": EN_BODY if english else ZH_BODY,
                "heading_fonts": EN_HEADINGS if english else ZH_HEADINGS,
            },
        )
    return HTML(string=html, base_url=None).write_pdf()


# -- Word ---------------------------------------------------------------------------------------------
# Chinese official documents: 黑体 headings, 宋体 body (a writer changes them in the styles, not by hand).
DOCX_FONTS = {"body": ("Times New Roman", "宋体"), "headings": ("Arial", "黑体")}  # (Latin, East Asian), both languages


def _fonts(style, latin: str, east_asian: str) -> None:

    style.font.name = latin
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _language(style, language: str) -> None:

    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US" if language == "en" else "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (TOC, PAGE, SEQ…), with the text shown until the reader's word processor updates it."""

    def char(kind: str):
        run = OxmlElement("w:r")
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run.append(mark)
        return run

    p = paragraph._p
    p.append(char("begin"))
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run.append(text)
    p.append(run)
    p.append(char("separate"))
    shown = OxmlElement("w:r")
    value = OxmlElement("w:t")
    value.text = placeholder
    shown.append(value)
    p.append(shown)
    p.append(char("end"))


def _text(paragraph, text: str, lang: str = "", bold: bool = False):
    """A run of text; `lang` marks a text in the other language (w:lang), as `lang` does in HTML."""

    run = paragraph.add_run(text)
    run.bold = bold or None
    if lang:
        mark = OxmlElement("w:lang")
        code = "zh-CN" if lang.lower().startswith("zh") else "en-US"
        mark.set(qn("w:val"), code)
        mark.set(qn("w:eastAsia"), code)
        run._r.get_or_add_rPr().append(mark)
    return run


def _caption(document, label: str, sequence: str, text: str) -> None:
    """A caption in Word's Caption style, numbered by a SEQ field (so Word can list figures and tables)."""
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run(f"{label} ")
    _field(paragraph, f"SEQ {sequence} \\* ARABIC", "1")
    paragraph.add_run(f"  {text}")


def _table(document, header: list[str], rows: list[list[str]], numeric_from: int = 1, langs=None):

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _text(cell.paragraphs[0], text, bold=True)
    _repeat_header(table.rows[0])
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
            lang = langs[index][column] if langs else ""
            _text(cell.paragraphs[0], text, lang=lang)
            if column >= numeric_from and _numeric(text):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _repeat_header(row) -> None:

    properties = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    properties.append(mark)


def _numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "-–")


def docx(report: Report, progress: Progress = _ignore) -> bytes:
    """The report as an editable Word document: real heading styles, a table of contents field, captioned
    tables and figures, A4 with page numbers."""

    english = report.language == "en"
    zh_mark = "zh-Hans" if english else ""
    document = python_docx.Document()
    fonts = DOCX_FONTS
    styles = document.styles
    for name in ("Normal", "Caption", "Title", "Subtitle", "Table Grid"):
        _fonts(styles[name], *fonts["body"])
        _language(styles[name], report.language)
    for level in (1, 2, 3):
        _fonts(styles[f"Heading {level}"], *fonts["headings"])
        _language(styles[f"Heading {level}"], report.language)
    _fonts(styles["Title"], *fonts["headings"])
    styles["Normal"].font.size = Pt(11 if english else 12)
    body = styles["Normal"].paragraph_format
    body.line_spacing = 1.5 if not english else 1.15
    body.space_after = Pt(4)
    if not english:  # Chinese paragraphs: justified, the first line indented by two characters
        body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        indent = OxmlElement("w:ind")
        indent.set(qn("w:firstLineChars"), "200")
        styles["Normal"].element.get_or_add_pPr().append(indent)
    no_indent = styles.add_style("Plain", styles["Normal"].type)
    no_indent.base_style = styles["Normal"]
    no_indent.paragraph_format.first_line_indent = Mm(0)
    no_indent_pr = no_indent.element.get_or_add_pPr()
    reset = OxmlElement("w:ind")
    reset.set(qn("w:firstLineChars"), "0")
    reset.set(qn("w:firstLine"), "0")
    no_indent_pr.append(reset)
    for name in ("Caption", "Title", "Subtitle", "List Number", "List Bullet"):
        styles[name].base_style = no_indent

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin = section.right_margin = Mm(25)
    footer = section.footer.paragraphs[0]
    footer.style = no_indent
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    with translation.override(report.language):
        prefix, suffix = (_("Page "), "") if english else ("第 ", " 页")
        footer.add_run(prefix)
        _field(footer, "PAGE", "1")
        footer.add_run(suffix)

        properties = document.core_properties
        properties.title = report.title
        properties.subject = report.subtitle
        properties.author = report.area
        properties.language = "en-US" if english else "zh-CN"
        properties.keywords = report.plan_code

        # Cover
        eyebrow = document.add_paragraph(report.area, style=no_indent)
        eyebrow.alignment = WD_ALIGN_PARAGRAPH.CENTER
        eyebrow.paragraph_format.space_before = Mm(50)
        title = document.add_paragraph(report.title, style="Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle = document.add_paragraph(report.subtitle, style="Subtitle")
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cover = [
            (_("Area"), report.area),
            (_("Plan period"), report.period),
            (_("Report year"), str(report.year)),
            (_("Data as of"), report.data_as_of),
            (_("Figures judged"), report.figure_status),
        ]
        for label, value in cover:
            line = document.add_paragraph(style=no_indent)
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _text(line, label + _(": "), bold=True)
            _text(line, value)
        document.add_paragraph(style=no_indent).add_run().add_break(WD_BREAK.PAGE)

        # Contents: a TOC field over the heading styles, updated when the document is opened
        contents = document.add_paragraph(_("Contents"), style="Title")
        contents.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(
            document.add_paragraph(style=no_indent),
            'TOC \\o "1-2" \\h \\z \\u',
            _("Update this field to list the contents."),
        )
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        document.settings.element.append(update)
        document.add_section(WD_SECTION.NEW_PAGE)

        # Summary
        document.add_heading(_("Summary"), level=1)
        for sentence in report.summary:
            document.add_paragraph(sentence)
        _caption(document, _("Table"), "Table", _("Targets by attribute and verdict"))
        _table(document, report.counts_header, report.counts)
        if report.slipped:
            document.add_heading(report.slipped_heading, level=2)
            for slipped in report.slipped:
                document.add_paragraph(slipped, style="List Number")

        # A section per category, a heading per target
        figure_number = 0
        done = 0
        for part in report.sections:
            heading = document.add_heading(level=1)
            _text(heading, part.title, lang=part.title_lang)
            for entry in part.entries:
                document.add_heading(entry.heading, level=2)
                if english:
                    line = document.add_paragraph(style=no_indent)
                    _text(line, _("As printed:") + " ")
                    _text(line, f"{entry.printed}，{entry.target_printed}", lang=zh_mark)
                facts = [
                    (_("Attribute"), entry.attribute_label),
                    (_("Baseline"), entry.baseline),
                    (_("Target"), entry.target),
                    (_("Figure judged"), entry.latest),
                    (_("Verdict"), entry.status_label),
                ]
                _table(document, [_("Item"), _("Content")], [list(f) for f in facts], numeric_from=9)
                document.add_paragraph(entry.explanation)
                art = art_for(entry, figure_number + 1, "png")
                if art.png:
                    figure_number += 1
                    picture = document.add_paragraph(style=no_indent)
                    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    picture.add_run().add_picture(io.BytesIO(art.png), width=Mm(150))
                    picture.runs[0]._r.xpath(".//pic:cNvPr")[0].set("descr", art.alt)
                    _caption(document, _("Figure"), "Figure", art.title)
                else:
                    document.add_paragraph(art.alt, style=no_indent)
                if entry.analysis:
                    document.add_heading(_("Reasons"), level=3)
                    _text(document.add_paragraph(), entry.analysis, lang=entry.analysis_lang)
                if entry.measures:
                    document.add_heading(_("Next steps"), level=3)
                    _text(document.add_paragraph(), entry.measures, lang=entry.measures_lang)
                done += 1
                progress(done, report.target_count)

        # The table as published, with results
        document.add_heading(_("The indicator table with results"), level=1)
        _caption(
            document, _("Table"), "Table", _("The indicator table as published, with the figure judged and the verdict")
        )
        header = [
            _("No."),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Attribute"),
            _("Figure judged"),
            _("Verdict"),
        ]
        rows = [
            [e.row or "–", e.name, e.unit, e.baseline, e.target, e.attribute_label, e.latest, e.status_label]
            for e in report.table
        ]
        _table(document, header, rows, numeric_from=3)

        if report.comparison:
            document.add_heading(_("Comparison with the previous plan"), level=1)
            document.add_paragraph(
                _(
                    "Indicators that the %(plan)s also targeted: where they were to go, where they got, "
                    "and where this plan takes them."
                )
                % {"plan": report.previous_plan}
            )
            _caption(document, _("Table"), "Table", _("Indicators continued from the previous plan"))
            header = [_("Indicator"), _("Previous target"), _("Result"), _("Verdict"), _("Baseline"), _("Target")]
            rows = [
                [c.name, c.previous_target, c.previous_result, c.previous_status_label, c.baseline, c.target]
                for c in report.comparison
            ]
            _table(document, header, rows)

        document.add_heading(_("Notes and sources"), level=1)
        if report.notes:
            document.add_heading(_("Notes to the table"), level=2)
            for number, text in report.notes:
                line = document.add_paragraph(style=no_indent)
                _text(line, f"{number}. ")
                _text(line, text, lang=zh_mark)
        document.add_heading(_("Sources"), level=2)
        for source in report.sources:
            document.add_paragraph(source, style="List Bullet")
        document.add_paragraph(
            _(
                "Verdicts are the progress engine's, as on the dashboards and in the API; "
                "the rules are in the product's documentation (docs/progress.md)."
            ),
            style=no_indent,
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
