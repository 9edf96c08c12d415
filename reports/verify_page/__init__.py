"""verify.html: the auditor's check of a verification bundle in any browser (RULES.md, "Public checks").

`verify.html` next to this file is the page: one self-contained HTML file (inline script and style,
no network request) that reads the bundle ZIP or its folder and repeats, with the browser's own
WebCrypto, the checks of `engine.bundle.verify_bundle` under the same check names. Filled in here:
the pinned RANDOM.ORG public key, inlined from engine/keys so that the repository holds one copy of
it, and the organisation's protocol-signing certificate fingerprint when one is configured
(`reports.certificates.signer_pin`), so the page judges the PDF's signer as `verify --bundle` does there.
`reports.bundle` puts the result into every bundle.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from engine.randomorg import PINNED_PUBLIC_KEY_PATH
from reports.certificates import signer_pin

TEMPLATE = Path(__file__).resolve().parent / "verify.html"
KEY_SLOT = "@@PINNED_RANDOMORG_KEY@@"
SIGNER_SLOT = "@@PINNED_SIGNER_SHA256@@"
_CONFIGURED = object()


@lru_cache(maxsize=1)
def _template() -> str:
    template = TEMPLATE.read_text(encoding="utf-8")
    for slot in (KEY_SLOT, SIGNER_SLOT):
        if template.count(slot) != 1:
            raise ValueError(f"{TEMPLATE} must hold the slot {slot} exactly once")
    key = PINNED_PUBLIC_KEY_PATH.read_text(encoding="ascii").strip()
    if "`" in key or "$" in key:  # it goes into a JavaScript template literal
        raise ValueError("the pinned key is not a plain PEM text")
    return template.replace(KEY_SLOT, key)


def _configured_signer() -> str:
    try:
        pin = signer_pin()
    except ValueError:  # unusable configuration: the page then names the signer without judging it
        return ""
    return pin.sha256 if pin else ""


def verify_html(signer_sha256: str | None | object = _CONFIGURED) -> bytes:
    """The page as it goes into a bundle (UTF-8). `signer_sha256`: the protocol signer's certificate
    fingerprint to pin in the page; by default the configured one, None for no pin."""
    if signer_sha256 is _CONFIGURED:
        signer_sha256 = _configured_signer()
    signer = (signer_sha256 or "").replace(":", "").lower()
    if signer and not re.fullmatch(r"[0-9a-f]{64}", signer):
        raise ValueError(f"not a SHA-256 fingerprint: {signer_sha256!r}")
    return _template().replace(SIGNER_SLOT, signer).encode("utf-8")
