"""verify.html: the auditor's check of a verification bundle in any browser (RULES.md, "Public checks").

`verify.html` next to this file is the page: one self-contained HTML file (inline script and style,
no network request) that reads the bundle ZIP or its folder and repeats, with the browser's own
WebCrypto, the checks of `engine.bundle.verify_bundle` under the same check names. The one thing
filled in here is the pinned RANDOM.ORG public key, inlined from engine/keys so that there is a
single copy of it in the repository. `reports.bundle` puts the result into every bundle.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.randomness import PINNED_PUBLIC_KEY_PATH

TEMPLATE = Path(__file__).resolve().parent / "verify.html"
KEY_SLOT = "@@PINNED_RANDOMORG_KEY@@"


@lru_cache(maxsize=1)
def verify_html() -> bytes:
    """The page as it goes into a bundle (UTF-8)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    if template.count(KEY_SLOT) != 1:
        raise ValueError(f"{TEMPLATE} must hold the key slot {KEY_SLOT} exactly once")
    key = PINNED_PUBLIC_KEY_PATH.read_text(encoding="ascii").strip()
    if "`" in key or "$" in key:  # it goes into a JavaScript template literal
        raise ValueError("the pinned key is not a plain PEM text")
    return template.replace(KEY_SLOT, key).encode("utf-8")
