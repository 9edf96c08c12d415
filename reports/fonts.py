"""Fonts for every PDF the project prints.

reportlab's built-in Helvetica has no Kazakh letters (ә ғ қ ң ө ұ ү һ і), so the
documents embed DejaVu Sans, shipped with the project in reports/fonts/ with
its licence (LICENSE_DEJAVU): no system fonts and no font package needed.
TrueType fonts are embedded as subsets with a ToUnicode map, so text survives
copying and extraction.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
MONO = "DejaVuSansMono"
MONO_BOLD = "DejaVuSansMono-Bold"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}


FONT_DIR = Path(__file__).resolve().parent / "fonts"
LICENCE = FONT_DIR / "LICENSE_DEJAVU"


def font_dir() -> Path:
    return FONT_DIR


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu family with reportlab (once per process)."""
    directory = font_dir()
    for name, file_name in _FILES.items():
        path = directory / file_name
        if not path.is_file():
            raise RuntimeError(f"font file missing: {path} (reports/fonts/ ships with the project)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b>/<i> inside Paragraph markup pick the right face.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD)
    addMapping(MONO, 0, 0, MONO)
    addMapping(MONO, 1, 0, MONO_BOLD)
    addMapping(MONO, 0, 1, MONO)
    addMapping(MONO, 1, 1, MONO_BOLD)
