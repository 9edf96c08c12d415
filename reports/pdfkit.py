"""Shared building blocks of the printed documents: page template, styles, tables.

Every PDF of the project is A4 with the organiser and the promotion in the
header, "N / M" in the footer, and, for a rehearsal, a loud marking on every
page. Texts are bilingual: Kazakh first, Russian alongside (reports.strings).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.fonts import MONO, SANS, SANS_BOLD, register_fonts
from reports.strings import almaty_time, both, ts

PAGE_W, PAGE_H = A4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 20 * mm, 15 * mm, 27 * mm, 20 * mm
FRAME_W = PAGE_W - MARGIN_L - MARGIN_R
GRID = colors.HexColor("#9a9a9a")
HEAD_BG = colors.HexColor("#e9edf2")
RU_COLOR = colors.HexColor("#3d3d3d")
ALERT = colors.HexColor("#b00020")

register_fonts()


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(fontName=SANS, fontSize=9, leading=11.5, textColor=colors.black)
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "body": _style("body"),
    "ru": _style("ru", fontSize=8.3, leading=10.5, textColor=RU_COLOR),
    "small": _style("small", fontSize=7.5, leading=9.3),
    "small_ru": _style("small_ru", fontSize=7.2, leading=9, textColor=RU_COLOR),
    "cell": _style("cell", fontSize=8, leading=9.8),
    "cell_c": _style("cell_c", fontSize=8, leading=9.8, alignment=TA_CENTER),
    "cell_r": _style("cell_r", fontSize=8, leading=9.8, alignment=TA_RIGHT),
    "head": _style("head", fontName=SANS_BOLD, fontSize=6.9, leading=8.4, alignment=TA_CENTER),
    "mono": _style("mono", fontName=MONO, fontSize=7.4, leading=9.4),
    "mono_s": _style("mono_s", fontName=MONO, fontSize=6.6, leading=8.4),
    "title": _style("title", fontName=SANS_BOLD, fontSize=14, leading=18, alignment=TA_CENTER),
    "title_ru": _style(
        "title_ru", fontName=SANS_BOLD, fontSize=12, leading=15, alignment=TA_CENTER, textColor=RU_COLOR
    ),
    "subtitle": _style("subtitle", fontSize=9.5, leading=12, alignment=TA_CENTER),
    "subtitle_ru": _style("subtitle_ru", fontSize=8.8, leading=11, alignment=TA_CENTER, textColor=RU_COLOR),
    "section": _style(
        "section", fontName=SANS_BOLD, fontSize=10, leading=13, spaceBefore=9, spaceAfter=3, keepWithNext=1
    ),
    "label": _style("label", fontName=SANS_BOLD, fontSize=8, leading=9.8),
    "alert": _style("alert", fontName=SANS_BOLD, fontSize=8.5, leading=11, textColor=ALERT),
    "left": _style("left", alignment=TA_LEFT),
}


def esc(text: object) -> str:
    """Escape a value for Paragraph markup."""
    return html.escape(str(text), quote=False)


def P(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, STYLES[style])


def bi(key: str, style: str = "body", ru_style: str = "ru", **params) -> list[Paragraph]:
    """Kazakh paragraph, then the Russian one under it."""
    kk, ru = ts(key, **params)
    return [P(esc(kk), style), P(esc(ru), ru_style)]


def head(key: str) -> Paragraph:
    """A table header cell: Kazakh over Russian."""
    kk, ru = ts(key)
    if kk == ru:
        return P(esc(kk), "head")
    return P(f"{esc(kk)}<br/><font color='#4a4a4a'>{esc(ru)}</font>", "head")


def section(number: int | str, key: str, *, keep_with_next: bool = True) -> Paragraph:
    """A numbered bilingual heading. keep_with_next=False before a long table that
    should split across pages (a CondPageBreak in front keeps the heading from
    standing alone): kept together, the whole table would jump to the next page."""
    kk, ru = ts(key)
    heading = P(f"{number}. {esc(kk)} <font color='#4a4a4a'>/ {esc(ru)}</font>", "section")
    if not keep_with_next:
        heading.keepWithNext = 0
    return heading


def table(
    rows: Sequence[Sequence],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra: Sequence[tuple] = (),
    zebra: bool = False,
) -> Table:
    t = Table(list(rows), colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), SANS, 8),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG))
    if zebra:
        for r in range(header_rows, len(rows)):
            if (r - header_rows) % 2 == 1:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f7f7f7")))
    style.extend(extra)
    t.setStyle(TableStyle(style))
    return t


def kv_table(pairs: Sequence[tuple[str, object]], label_width: float = 62 * mm) -> Table:
    """Label (kk / ru) : value rows, for the head of a document."""
    rows = []
    for key, value in pairs:
        kk, ru = ts(key)
        label = P(f"{esc(kk)}<br/><font color='#4a4a4a' size='7.3'>{esc(ru)}</font>", "label")
        rows.append([label, value if not isinstance(value, str) else P(value, "cell")])
    t = Table(rows, colWidths=[label_width, FRAME_W - label_width], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8c8c8")),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def split_organiser(organiser: str) -> tuple[str, str]:
    """'«Қазақтелеком» АҚ / АО «Казахтелеком»' -> (kk, ru)."""
    if " / " in organiser:
        kk, ru = organiser.split(" / ", 1)
        return kk.strip(), ru.strip()
    return organiser, organiser


class PageDecor:
    """Header, footer ("N / M") and the rehearsal marking, drawn on every page."""

    def __init__(
        self,
        *,
        organiser: str,
        promotion: tuple[str, str],
        footer_left: str,
        rehearsal: bool = False,
        generated_at: dt.datetime | None = None,
    ):
        self.organiser = organiser
        self.promotion = promotion
        self.footer_left = footer_left
        self.rehearsal = rehearsal
        self.generated_at = generated_at

    def on_page(self, c: rl_canvas.Canvas, doc) -> None:
        c.saveState()
        if self.rehearsal:
            c.setFillColor(colors.Color(0.75, 0.0, 0.1, alpha=0.11))
            c.setFont(SANS_BOLD, 58)
            c.translate(PAGE_W / 2, PAGE_H / 2)
            c.rotate(48)
            c.drawCentredString(0, 18, "РЕПЕТИЦИЯ")
            c.setFont(SANS_BOLD, 44)
            c.drawCentredString(0, -42, "REHEARSAL")
            c.rotate(-48)
            c.translate(-PAGE_W / 2, -PAGE_H / 2)
        top = PAGE_H - 12 * mm
        c.setFillColor(colors.black)
        c.setFont(SANS_BOLD, 8.2)
        kk, ru = split_organiser(self.organiser)
        c.drawString(MARGIN_L, top, kk)
        c.setFont(SANS, 7.6)
        c.setFillColor(RU_COLOR)
        c.drawString(MARGIN_L, top - 9.5, ru)
        c.setFillColor(colors.black)
        c.setFont(SANS_BOLD, 8.2)
        c.drawRightString(PAGE_W - MARGIN_R, top, self.promotion[0])
        c.setFont(SANS, 7.6)
        c.setFillColor(RU_COLOR)
        c.drawRightString(PAGE_W - MARGIN_R, top - 9.5, self.promotion[1])
        c.setStrokeColor(colors.HexColor("#1f3a5f"))
        c.setLineWidth(0.9)
        c.line(MARGIN_L, top - 14, PAGE_W - MARGIN_R, top - 14)
        if self.rehearsal:
            c.setFillColor(ALERT)
            c.rect(MARGIN_L, top - 27, FRAME_W, 11, stroke=0, fill=1)
            c.setFillColor(colors.white)
            text = both("rehearsal") + " · REHEARSAL"
            size = 7.8
            while size > 5 and c.stringWidth(text, SANS_BOLD, size) > FRAME_W - 6:
                size -= 0.2
            c.setFont(SANS_BOLD, size)
            c.drawCentredString(PAGE_W / 2, top - 24.3, text)
        c.restoreState()


def numbered_canvas(decor: PageDecor) -> type:
    """A canvas class that writes "N / M" once the page count is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            y = 11 * mm
            self.setStrokeColor(colors.HexColor("#9a9a9a"))
            self.setLineWidth(0.4)
            self.line(MARGIN_L, y + 9, PAGE_W - MARGIN_R, y + 9)
            self.setFont(SANS, 7.3)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawString(MARGIN_L, y, decor.footer_left)
            if decor.generated_at:
                kk, ru = ts("generated")
                self.setFont(SANS, 6.3)
                self.setFillColor(colors.HexColor("#666666"))
                self.drawString(MARGIN_L, y - 8, f"{kk} / {ru}: {almaty_time(decor.generated_at)}")
                self.setFillColor(colors.HexColor("#333333"))
            self.setFont(SANS_BOLD, 8)
            self.drawRightString(PAGE_W - MARGIN_R, y, f"{both('page')}  {self._pageNumber} / {total}")
            if decor.rehearsal:
                self.setFillColor(ALERT)
                self.setFont(SANS_BOLD, 7.3)
                self.drawCentredString(PAGE_W / 2, y + 12, both("rehearsal"))
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list, decor: PageDecor, *, title: str, subject: str = "") -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_L,
        rightMargin=MARGIN_R,
        topMargin=MARGIN_T,
        bottomMargin=MARGIN_B,
        title=title,
        author=decor.organiser,
        subject=subject,
        creator="Іскерлік ұсыныс draw tool (reports)",
    )
    doc.build(story, onFirstPage=decor.on_page, onLaterPages=decor.on_page, canvasmaker=numbered_canvas(decor))
    return buffer.getvalue()


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


Builder = Callable[[], list]
