"""Check a month's verification bundle (the ZIP of `python -m reports bundle`) with no database.

`verify_bundle(path)` recomputes what can be recomputed from the files alone:
every file against the manifest's SHA-256, every pool's hash and order, every
RANDOM.ORG signature against the pinned RANDOM.ORG key (a rehearsal's
stand-in signature is checked with the key published in the bundle and
flagged as a rehearsal), the userData binding each result to its pool, the
winners re-derived from the numbers or the offline entropy, and the protocol
PDF's digital signature. The per-draw checks are those of `engine.draw.verify`,
fed from the bundle instead of the store, so both verifications agree.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from io import BytesIO

from engine.draw import Finding, _check_draw, _check_pool
from engine.records import METHOD_NONE

__all__ = ["Finding", "verify_bundle"]


def verify_bundle(path: str | os.PathLike | bytes, *, public_key_pem: bytes | None = None) -> list[Finding]:
    """One Finding per check; all ok means the bundle proves its winners."""
    try:
        zf = zipfile.ZipFile(BytesIO(path) if isinstance(path, bytes) else path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [Finding("bundle", False, f"not a readable ZIP file: {exc}")]
    with zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            return [Finding("bundle", False, "manifest.json is missing")]
        try:
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        except ValueError as exc:
            return [Finding("manifest.json", False, f"not valid JSON: {exc}")]
        files = {name: zf.read(name) for name in names if name != "manifest.json"}
    return _verify(manifest, files, public_key_pem)


def _verify(manifest: dict, files: dict[str, bytes], public_key_pem: bytes | None) -> list[Finding]:
    from engine.randomness import load_public_key

    key = public_key_pem or load_public_key()
    month = manifest.get("month", "?")
    rehearsal = bool(manifest.get("rehearsal"))
    findings = [_check_files(manifest, files)]
    if rehearsal:
        findings.append(Finding(f"{month}: rehearsal", True,
                                "REHEARSAL bundle: its numbers come from the loopback stand-in, not RANDOM.ORG;"
                                " it proves nothing about a real draw"))
    for i, entry in enumerate(manifest.get("draws", []), 1):
        findings.extend(_check_entry(month, entry, files, key))
    findings.append(_check_protocol(manifest, files))
    return findings


def _check_files(manifest: dict, files: dict[str, bytes]) -> Finding:
    listed = manifest.get("files", {})
    problems = []
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(f"{name} is missing")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    extra = sorted(set(files) - set(listed))
    if extra:
        problems.append(f"files not in the manifest: {', '.join(extra)}")
    return Finding("bundle files", not problems, "; ".join(problems) or f"{len(listed)} files match the manifest")


def _text(files: dict[str, bytes], name: str | None) -> str:
    return files[name].decode("utf-8") if name and name in files else ""


def _check_entry(month: str, entry: dict, files: dict[str, bytes], key: bytes) -> list[Finding]:
    den = entry.get("denomination")
    pool_info = entry.get("pool")
    pool = None
    findings = []
    if pool_info:
        if pool_info.get("file") not in files:
            return [Finding(f"{month} {den}: pool", False, f"{pool_info.get('file')} is missing")]
        pool = {"id": entry["id"], "month": month, "denomination": den, "purpose": pool_info.get("purpose", ""),
                "size": pool_info["size"], "sha256": pool_info["sha256"], "text": _text(files, pool_info["file"])}
        findings.append(_check_pool(pool))
    draw = {
        "id": entry["id"], "month": month, "denomination": den, "kind": entry["kind"],
        "rehearsal": bool(entry.get("rehearsal")), "method": entry["method"], "status": entry.get("status", "done"),
        "drawn": entry["drawn"], "to_draw": entry["to_draw"], "carry_out": entry["carry_out"],
        "redraw_certificate": entry.get("redraw_of_certificate"), "serial_number": entry.get("serial_number"),
        "entropy": _text(files, entry.get("entropy_file")), "signed_random": _text(files, entry.get("random_file")),
        "public_key_pem": _text(files, entry.get("public_key_file")),
    }
    winners = entry.get("winners", [])
    if pool is None and draw["method"] == METHOD_NONE:
        ok = not winners and draw["drawn"] == 0
        return findings + [Finding(f"{month} {den}: nothing drawn", ok, "empty pool, everything carried over")]
    findings.extend(_check_draw(draw, pool, winners, key))
    if entry.get("development_licence"):
        findings.append(Finding(f"{month} {den}: licence", True,
                                "WARNING: RANDOM.ORG development licence (not for production draws)"))
    return findings


def _check_protocol(manifest: dict, files: dict[str, bytes]) -> Finding:
    name = manifest.get("protocol_file", "")
    if name not in files:
        return Finding("protocol", False, f"{name or 'the protocol PDF'} is missing")
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
    except ImportError:  # pragma: no cover - pyhanko is a requirement
        return Finding(f"{name}: signature", True, "pyHanko not installed: PDF signature not checked")
    import logging

    try:
        sigs = PdfFileReader(BytesIO(files[name]), strict=False).embedded_signatures
        if not sigs:
            return Finding(f"{name}: signature", False, "the protocol is not signed")
        level = logging.getLogger("pyhanko").level
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        try:
            status = validate_pdf_signature(sigs[-1])
        finally:
            logging.getLogger("pyhanko").setLevel(level)
        whole = sigs[-1].coverage is not None and sigs[-1].coverage.name == "ENTIRE_FILE"
    except Exception as exc:
        return Finding(f"{name}: signature", False, f"cannot check the signature: {exc}")
    ok = bool(status.intact and status.valid and whole)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else "?"
    return Finding(f"{name}: signature", ok, f"intact, signed by {signer}" if ok else "changed after signing")
