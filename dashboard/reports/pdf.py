"""The executive monthly summary as an A4 PDF (fpdf2), in English or Chinese.

Page 1: title, month and period, the headline KPI tiles (value, traffic light, change vs the
previous month and the same month last year, target, 13-month sparkline), the top scrap
reasons (chart and table). Page 2: commentary, customers with late lines, open complaints and
the data missing for the month. All text is set in Noto Sans CJK SC (a real CJK font, so
Chinese never turns into boxes); charts are Altair specs rendered to PNG by vl-convert.
"""
from __future__ import annotations

import io
from datetime import date

import polars as pl
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from dashboard.i18n import t
from dashboard.i18n.codes import code_label
from dashboard.i18n.master_names import row_name
from dashboard.kpi import KPIS, UNASSIGNED
from dashboard.reports import charts
from dashboard.reports.format import NONE, fmt_change, fmt_date, fmt_value, month_title
from dashboard.reports.summary import Headline, MonthlySummary
from data_access.kinds import DEPARTMENTS, KINDS

FONT_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SIMPLIFIED_CHINESE = 2  # index of "Noto Sans CJK SC" in the collection (fc-query)
FAMILY = "NotoSansCJK"
MARGIN = 12.0
TILE_COLUMNS, TILE_H, GAP = 3, 36.0, 3.0
SCRAP_SECTION_H = 78.0  # mm: heading, chart (62 mm) and the footer's room
PDF_ROWS = {"late": 10, "complaints": 12}  # longer lists are in the XLSX; the PDF says how many more
UNIT_SUFFIX = ("pieces", "ppm")  # shown after the value; ratios and currency carry their sign, counts need none

INK, MUTED, RULE = (33, 37, 41), (108, 117, 125), (206, 212, 218)
RGB = {"green": (44, 160, 44), "amber": (240, 160, 0), "red": (214, 39, 40), "none": (158, 158, 158)}


class _Report(FPDF):
    def __init__(self, lang: str, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang, self.footer_text = lang, footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.add_font(FAMILY, "", FONT_REGULAR, collection_font_number=SIMPLIFIED_CHINESE)
        self.add_font(FAMILY, "B", FONT_BOLD, collection_font_number=SIMPLIFIED_CHINESE)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-MARGIN)
        self.font(7, colour=MUTED)
        self.cell(0, 4, self.footer_text, align=Align.L)
        self.set_x(MARGIN)
        self.cell(0, 4, t("report.page_of", self.lang, page=self.page_no(), pages="{nb}"), align=Align.R)

    def font(self, size: float, bold: bool = False, colour=INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)

    @property
    def content_width(self) -> float:
        return self.w - 2 * MARGIN

    def heading(self, text: str) -> None:
        self.ln(2)
        self.font(11.5, bold=True)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(1.5)

    def note(self, text: str, size: float = 8.5) -> None:
        self.font(size, colour=MUTED)
        self.multi_cell(0, size * 0.5, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _name(frame_row: dict, lang: str) -> str:
    if frame_row.get("reason") == UNASSIGNED:
        return t("kpi.unassigned", lang)
    return frame_row["name_zh" if lang == "zh" else "name_en"] or frame_row.get("reason") or NONE


def _value_text(h: Headline) -> str:
    return fmt_value(h.value, h.unit)


def _change_colour(h: Headline, change: float | None):
    if change is None or change == 0:
        return MUTED
    return RGB["green"] if change * KPIS[h.kpi].direction > 0 else RGB["red"]


def _tile(pdf: _Report, h: Headline, x: float, y: float, w: float, lang: str) -> None:
    k = KPIS[h.kpi]
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, TILE_H, style="D", round_corners=True, corner_radius=1.5)
    # name, traffic light
    pdf.set_xy(x + 2.5, y + 1.8)
    pdf.font(8.5, bold=True, colour=MUTED)
    pdf.cell(w - 20, 4.5, k.name(lang))
    colour = RGB[h.light]
    pdf.set_fill_color(*colour)
    pdf.ellipse(x + w - 6.2, y + 2.3, 3.6, 3.6, style="F")
    if h.light != "none":  # without a target the tile's last line already says so
        pdf.set_xy(x + w - 32, y + 6.6)
        pdf.font(6.5, colour=colour)
        pdf.cell(29.5, 3, t(f"report.light.{h.light}", lang), align=Align.R)
    # value and unit
    pdf.set_xy(x + 2.5, y + 6.8)
    pdf.font(15, bold=True)
    value = _value_text(h)
    pdf.cell(pdf.get_string_width(value) + 1, 8, value)
    if h.value is not None and h.unit in UNIT_SUFFIX:
        pdf.font(7.5, colour=MUTED)
        pdf.cell(14, 8.6, t(f"kpi.unit.{h.unit}", lang), align=Align.L)
    # changes and target
    rows = [(t("report.vs_previous", lang, delta=fmt_change(h.change_previous, h.unit, lang)),
             _change_colour(h, h.change_previous)),
            (t("report.vs_last_year.short", lang, delta=fmt_change(h.change_last_year, h.unit, lang)),
             _change_colour(h, h.change_last_year)),
            (t("report.target", lang, target=fmt_value(h.target, h.unit)) if h.target is not None
             else t("report.no_target", lang), MUTED)]
    for i, (text, text_colour) in enumerate(rows):
        pdf.set_xy(x + 2.5, y + 15.4 + i * 3.5)
        pdf.font(7, colour=text_colour)
        pdf.cell(w - 5, 3.4, text)
    pdf.image(io.BytesIO(charts.to_png(charts.sparkline(h, lang))), x=x + 2, y=y + 26.3, w=w - 4, h=8.6)


def _tiles(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    w = (pdf.content_width - GAP * (TILE_COLUMNS - 1)) / TILE_COLUMNS
    top = pdf.get_y()
    cells = list(summary.headline)
    for i, h in enumerate(cells):
        row, col = divmod(i, TILE_COLUMNS)
        _tile(pdf, h, MARGIN + col * (w + GAP), top + row * (TILE_H + GAP), w, lang)
    slot = len(cells)
    row, col = divmod(slot, TILE_COLUMNS)
    if col:  # the grid's free slot explains the lights and sparklines
        pdf.set_xy(MARGIN + col * (w + GAP) + 1, top + row * (TILE_H + GAP) + 2)
        pdf.font(7, colour=MUTED)
        pdf.multi_cell((w + GAP) * (TILE_COLUMNS - col) - GAP - 2, 3.4, t("report.legend", lang), align=Align.L)
    rows = (len(cells) + TILE_COLUMNS - 1) // TILE_COLUMNS + (0 if col else 1)
    pdf.set_xy(MARGIN, top + rows * (TILE_H + GAP))
    if not col:
        pdf.set_xy(MARGIN, top + (rows - 1) * (TILE_H + GAP))
        pdf.note(t("report.legend", lang), 7)


def _table(pdf: _Report, headers: list[str], rows: list[list[str]], widths: list[float], numeric: set[int],
           size: float = 8) -> None:
    pdf.font(size)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)  # body cells stay white (the traffic lights set a fill colour)
    heading = FontFace(emphasis="BOLD", color=INK, fill_color=(241, 243, 245))
    align = ["RIGHT" if i in numeric else "LEFT" for i in range(len(headers))]
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align=align, line_height=size * 0.55,
                   headings_style=heading, borders_layout="HORIZONTAL_LINES", padding=(0.8, 1.2),
                   first_row_as_headings=True) as table:
        head = table.row()
        for text in headers:
            head.cell(text)
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.ln(1)


def _more(pdf: _Report, frame: pl.DataFrame, shown: int, lang: str) -> None:
    if frame.height > shown:
        pdf.note(t("report.more_rows", lang, n=frame.height - shown), 7.5)


def _scrap_section(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    pdf.heading(t("report.section.scrap", lang))
    reasons = summary.scrap_reasons
    if reasons.height == 0:
        pdf.note(t("report.none.scrap", lang))
        return
    top = pdf.get_y()
    chart_w = 98.0
    pdf.image(io.BytesIO(charts.to_png(charts.scrap_reasons_chart(reasons, lang))), x=MARGIN, y=top, w=chart_w)
    pdf.set_xy(MARGIN + chart_w + 4, top + 2)
    pdf.set_left_margin(MARGIN + chart_w + 4)
    rows = [[_name(r, lang), fmt_value(r["qty"], "pieces"), fmt_value(r["share"], "ratio"),
             fmt_value(r["cum_share"], "ratio")] for r in reasons.iter_rows(named=True)]
    _table(pdf, [t("report.col.reason", lang), t("report.col.qty", lang), t("report.col.share", lang),
                 t("report.col.cum_share", lang)], rows, [30, 17, 15, 20], {1, 2, 3})
    pdf.set_left_margin(MARGIN)
    pdf.set_xy(MARGIN, max(pdf.get_y(), top + 62))


def _commentary(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    pdf.heading(t("report.section.commentary", lang))
    note = summary.commentary
    if note is None or not note.text:
        pdf.note(t("report.none.commentary", lang))
        return
    pdf.font(9.5)
    pdf.multi_cell(0, 5, note.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    at = note.updated_at.strftime("%Y-%m-%d %H:%M") if note.updated_at else NONE
    pdf.note(t("report.commentary_by", lang, user=note.updated_by, at=at), 7.5)


def _causes(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    """Each headline KPI that moved beyond the threshold, with its top causes (summary.causes)."""
    pdf.heading(t("explain.report.section", lang))
    causes = getattr(summary, "causes", None) or {}
    if not causes:
        pdf.note(t("explain.report.none", lang))
        return
    pdf.font(9.5)
    for kpi_id, found in causes.items():
        head = found[0].sentence_zh if lang == "zh" else found[0].sentence_en
        pdf.multi_cell(0, 5, head.split(t("explain.colon", lang))[0] + t("explain.colon", lang)
                       + t("explain.sep", lang).join(c.text(lang) for c in found),
                       align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _late(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    pdf.heading(t("report.section.late", lang))
    late = summary.late_customers
    if late.height == 0:
        pdf.note(t("report.none.late", lang))
        return
    shown = late.head(PDF_ROWS["late"])
    rows = [[f"{r['customer']} {row_name(r, lang)}".strip(), r["abc_class"] or NONE, f"{r['due_lines'] or 0:,}",
             f"{r['late_lines']:,}", f"{r['still_open']:,}", fmt_value(r["otd_line"], "ratio")]
            for r in shown.iter_rows(named=True)]
    _table(pdf, [t(f"report.col.{c}", lang) for c in ("customer", "abc", "due_lines", "late_lines", "still_open", "otd")],
           rows, [76, 14, 24, 24, 24, 24], {2, 3, 4, 5})
    _more(pdf, late, shown.height, lang)


def _complaints(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    pdf.heading(t("report.section.complaints", lang))
    complaints = summary.open_complaints
    if complaints.height == 0:
        pdf.note(t("report.none.complaints", lang))
        return
    shown = complaints.head(PDF_ROWS["complaints"])
    rows = [[r["complaint_no"], r["date"].isoformat(), f"{r['customer']} {row_name(r, lang, 'customer_name')}".strip(),
             r["product"] or NONE, _name(r, lang), code_label("severity", r["severity"], lang),
             f"{r['qty_affected']:,}" if r["qty_affected"] is not None else NONE, fmt_value(r["cost"], "currency"),
             f"{r['days_open']:,}"] for r in shown.iter_rows(named=True)]
    cols = ("complaint_no", "date", "customer", "product", "complaint_reason", "severity", "qty_affected", "cost",
            "days_open")
    _table(pdf, [t(f"report.col.{c}", lang) for c in cols], rows, [20, 20, 38, 16, 26, 14, 16, 18, 18],
           {6, 7, 8}, size=7.5)
    _more(pdf, complaints, shown.height, lang)


def _exceptions(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    from dashboard.exceptions import labelled_rows

    pdf.heading(t("report.section.exceptions", lang))
    if summary.top_exceptions.height == 0:
        pdf.note(t("report.none.exceptions", lang))
        return
    rows = [[r["severity"], r["what"], r["department"], r["since"]] for r in labelled_rows(summary.top_exceptions, lang)]
    _table(pdf, [t(f"exc.col.{c}", lang) for c in ("severity", "what", "department", "since")], rows,
           [16, 112, 30, 22], set())


def department_label(code: str, lang: str) -> str:
    names = DEPARTMENTS.get(code)
    return (names[1] if lang == "zh" else names[0]) if names else code


def kind_label(kind: str, lang: str) -> str:
    return KINDS[kind].label(lang) if kind in KINDS else kind


def weeks_text(weeks: list[date], lang: str) -> str:
    return ", ".join((f"{d.month}月{d.day}日" if lang == "zh" else d.strftime("%b %d").replace(" 0", " "))
                     for d in weeks)


def _missing(pdf: _Report, summary: MonthlySummary, lang: str) -> None:
    pdf.heading(t("report.section.missing", lang))
    missing = summary.missing_data
    if missing.height == 0:
        pdf.note(t("report.none.missing", lang))
        return
    pdf.note(t("report.missing.intro", lang), 8)
    pdf.ln(1)
    rows = [[department_label(r["department"], lang), kind_label(r["kind"], lang), weeks_text(r["missing_weeks"], lang)]
            for r in missing.iter_rows(named=True)]
    _table(pdf, [t("report.col.department", lang), t("report.col.kind", lang), t("report.col.weeks", lang)],
           rows, [48, 44, 94], set())


def render_pdf(summary: MonthlySummary, lang: str = "en") -> bytes:
    """The whole report as PDF bytes."""
    title = t("report.title", lang)
    month = month_title(summary.month, lang)
    pdf = _Report(lang, f"PlantKPI · {title} · {month}")
    pdf.set_title(f"{title} {month}")
    pdf.set_author("PlantKPI")
    pdf.add_page()
    pdf.font(17, bold=True)
    pdf.cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(13, bold=True, colour=(31, 119, 180))
    pdf.cell(0, 7, f"{month}  ({summary.month})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.note(t("report.period", lang, start=fmt_date(summary.date_from, lang), end=fmt_date(summary.date_to, lang))
             + " · " + t("report.generated", lang, date=fmt_date(summary.today, lang)), 8)
    if not summary.has_data:
        pdf.ln(2)
        pdf.set_fill_color(255, 243, 205)
        pdf.font(10, bold=True, colour=(133, 100, 4))
        pdf.multi_cell(0, 7, t("report.no_data", lang, month=month), fill=True, padding=2,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.heading(t("report.section.kpis", lang))
    _tiles(pdf, summary, lang)
    if pdf.h - MARGIN - pdf.get_y() < SCRAP_SECTION_H:  # the chart and its table stay on one page
        pdf.add_page()
    _scrap_section(pdf, summary, lang)
    if pdf.page_no() == 1:  # page 1: the headline and the scrap reasons; the lists from page 2 on
        pdf.add_page()
    _causes(pdf, summary, lang)
    _exceptions(pdf, summary, lang)
    _commentary(pdf, summary, lang)
    _late(pdf, summary, lang)
    _complaints(pdf, summary, lang)
    _missing(pdf, summary, lang)
    return bytes(pdf.output())


__all__ = ["department_label", "kind_label", "render_pdf", "weeks_text"]
