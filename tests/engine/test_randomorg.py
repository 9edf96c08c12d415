"""Signature checks against the real 2014 RANDOM.ORG example, saved files, config, errors.

The client against a live server is tests/engine/test_standin.py."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from engine.randomorg import (
    ERROR_KINDS,
    PINNED_PUBLIC_KEY_PATH,
    RandomOrgConfig,
    RandomOrgError,
    SignedResult,
    check_signed_file,
    load_public_key,
    verify_signature,
)
from engine.randomorg.errors import _error_for_code

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "signed-example-2014.json"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "randomorg"


def example() -> dict:
    return json.loads(EXAMPLE.read_text("utf-8"))


def compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def flip(text: str, position: int) -> str:
    changed = chr(ord(text[position]) ^ 0x01)
    return text[:position] + changed + text[position + 1 :]


# --------------------------------------------------------------------------- the real example


def test_pinned_key_is_randomorgs_key():
    assert PINNED_PUBLIC_KEY_PATH.name == "randomorg-public-key.pem"
    assert load_public_key().startswith(b"-----BEGIN PUBLIC KEY-----")
    shared_key = SHARED / "randomorg-public-key.pem"
    assert shared_key.exists(), f"{shared_key}: ../shared/randomorg must be beside the checkout (CI has it)"
    assert load_public_key() == shared_key.read_bytes()


def test_real_2014_example_verifies_with_pinned_key():
    result = check_signed_file(EXAMPLE)
    assert result.data == (6, 1, 4, 4, 3, 6)
    assert result.serial_number == 79924
    assert result.completion_time == "2014-06-03 17:15:13Z"
    assert result.method == "generateSignedIntegers"
    assert result.hashed_api_key.startswith("oT3AdLMV")
    assert result.ticket_id is None and result.license is None
    assert result.development_licence is False
    assert result.random == example()["random"]
    assert result.verify()


def test_signature_is_over_compact_text_in_server_order():
    d = example()
    key = load_public_key()
    assert verify_signature(compact(d["random"]), d["signature"], key)
    assert verify_signature(compact(d["random"]).encode(), d["signature"], key)
    # Sorting keys or adding spaces changes the bytes: it must fail.
    assert not verify_signature(json.dumps(d["random"], separators=(",", ":"), sort_keys=True), d["signature"], key)
    assert not verify_signature(json.dumps(d["random"]), d["signature"], key)


def test_every_single_character_flip_of_random_text_fails():
    d = example()
    text = compact(d["random"])
    key = load_public_key()
    data_at = text.index('"data":[') + len('"data":[')
    serial_at = text.index('"serialNumber":') + len('"serialNumber":')
    positions = set(range(0, len(text), 7)) | {data_at, data_at + 2, serial_at, serial_at + 4, len(text) - 1}
    for position in sorted(positions):
        assert not verify_signature(flip(text, position), d["signature"], key), position


def test_signature_byte_flips_fail():
    d = example()
    text = compact(d["random"])
    key = load_public_key()
    raw = base64.b64decode(d["signature"])
    for position in sorted(set(range(0, len(raw), 37)) | {len(raw) - 1}):
        changed = bytearray(raw)
        changed[position] ^= 0x80
        assert not verify_signature(text, base64.b64encode(bytes(changed)).decode(), key), position
    assert not verify_signature(text, "not base64!", key)
    assert not verify_signature(text, "", key)


# --------------------------------------------------------------------------- saved files


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "signed.json"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda d: json.dumps(d, indent=2), id="pretty"),
        pytest.param(lambda d: compact(d), id="compact"),
        pytest.param(lambda d: json.dumps({"note": "saved by hand", **d, "x": [1]}), id="other-keys"),
        pytest.param(lambda d: json.dumps({"jsonrpc": "2.0", "result": d, "id": 7}), id="jsonrpc-response"),
        pytest.param(lambda d: compact(d).replace("/", "\\/"), id="escaped-slashes"),
        pytest.param(lambda d: "\ufeff" + json.dumps(d, indent="\t"), id="bom-tabs"),
    ],
)
def test_saved_file_verifies_when_random_content_is_intact(tmp_path, variant):
    result = check_signed_file(write(tmp_path, variant(example())))
    assert result.serial_number == 79924
    assert result.random_text == compact(example()["random"])


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d["random"]["data"].__setitem__(0, 5), id="data"),
        pytest.param(lambda d: d["random"].__setitem__("serialNumber", 79925), id="serial"),
        pytest.param(lambda d: d.__setitem__("random", dict(sorted(d["random"].items()))), id="key-order"),
        pytest.param(lambda d: d["random"].__setitem__("userData", None), id="added-key"),
    ],
)
def test_tampered_file_is_bad_signature(tmp_path, tamper):
    d = example()
    tamper(d)
    with pytest.raises(RandomOrgError) as err:
        check_signed_file(write(tmp_path, json.dumps(d, indent=2)))
    assert err.value.kind == "bad_signature"


@pytest.mark.parametrize("text", ["", "not json", "[1,2]", '{"random": 1, "signature": "x"}', '{"random": {}}'])
def test_unusable_file_is_bad_signature(tmp_path, text):
    with pytest.raises(RandomOrgError) as err:
        check_signed_file(write(tmp_path, text))
    assert err.value.kind == "bad_signature"


def test_file_with_two_random_members_is_refused(tmp_path):
    d = example()
    text = '{"random":' + compact(d["random"]) + ',"random":{},"signature":"' + d["signature"] + '"}'
    with pytest.raises(RandomOrgError):
        check_signed_file(write(tmp_path, text))


def test_response_text_round_trip():
    result = check_signed_file(EXAMPLE)
    assert result.response_text.startswith('{"random":' + result.random_text + ',"signature":"')
    again = SignedResult.from_response_text(result.response_text)
    assert again == result
    assert SignedResult.from_response_text(EXAMPLE.read_text("utf-8")) == result


def test_development_licence_is_flagged():
    random = {
        "method": "generateSignedIntegers",
        "data": [3],
        "serialNumber": 1,
        "license": {"type": "developer", "text": "Random values licensed strictly for development and testing only"},
    }
    assert SignedResult.from_parts(compact(random), "x").development_licence
    random["license"] = {"type": "commercial", "text": "Licensed for a promotion draw"}
    assert not SignedResult.from_parts(compact(random), "x").development_licence


# --------------------------------------------------------------------------- config and errors


def test_config_reads_secrets_first_then_environment(monkeypatch):
    monkeypatch.setenv("RANDOM_ORG_API_KEY", "env-key")
    monkeypatch.setenv("RANDOM_ORG_URL", "http://127.0.0.1:1/x")
    monkeypatch.delenv("RANDOM_ORG_PUBLIC_KEY", raising=False)
    cfg = RandomOrgConfig.from_env({"RANDOM_ORG_API_KEY": "secret-key"})
    assert cfg == RandomOrgConfig("secret-key", "http://127.0.0.1:1/x", str(PINNED_PUBLIC_KEY_PATH))


def test_config_skips_empty_secrets_and_strips(monkeypatch):
    monkeypatch.setenv("RANDOM_ORG_API_KEY", " env-key ")
    monkeypatch.setenv("RANDOM_ORG_URL", "http://127.0.0.1:2/x")
    monkeypatch.setenv("RANDOM_ORG_PUBLIC_KEY", "")
    cfg = RandomOrgConfig.from_env(
        {"RANDOM_ORG_API_KEY": "", "RANDOM_ORG_URL": None, "RANDOM_ORG_PUBLIC_KEY": " k.pem "}
    )
    assert cfg == RandomOrgConfig("env-key", "http://127.0.0.1:2/x", "k.pem")
    monkeypatch.setenv("RANDOM_ORG_URL", "  ")  # blank in the environment: the default endpoint
    assert RandomOrgConfig.from_env({}).url == "https://api.random.org/json-rpc/4/invoke"


def test_config_defaults(monkeypatch):
    for name in ("RANDOM_ORG_API_KEY", "RANDOM_ORG_URL", "RANDOM_ORG_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    cfg = RandomOrgConfig.from_env()
    # Written out, not taken from the module: the real endpoint and the pinned key are the defaults.
    assert cfg.url == "https://api.random.org/json-rpc/4/invoke"
    assert (
        Path(cfg.public_key_path)
        == Path(__file__).resolve().parents[2] / "engine" / "keys" / "randomorg-public-key.pem"
    )
    assert cfg.api_key == ""
    monkeypatch.setenv("RANDOM_ORG_URL", "http://127.0.0.1:9/x")
    assert RandomOrgConfig.from_env().url == "http://127.0.0.1:9/x"


def test_error_kinds_are_stable():
    assert ERROR_KINDS == (
        "no_key",
        "key_not_running",
        "allowance",
        "bad_signature",
        "timeout",
        "unreachable",
        "server_error",
        "ticket",
        "protocol",
    )
    err = RandomOrgError("allowance", "used up", 402)
    assert (err.kind, err.code, str(err)) == ("allowance", 402, "used up")
    with pytest.raises(ValueError):
        RandomOrgError("oops", "no such kind")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (400, "no_key"),
        (401, "key_not_running"),
        (402, "allowance"),
        (403, "allowance"),
        (404, "no_key"),
        (420, "ticket"),
        (421, "ticket"),
        (422, "ticket"),
        (423, "ticket"),
        (426, "ticket"),
        (424, "protocol"),
        (-32602, "protocol"),
        (-32603, "server_error"),
        (-32000, "server_error"),
    ],
)
def test_randomorg_error_codes_map_to_kinds(code, kind):
    err = _error_for_code(code, "server text")
    assert (err.kind, err.code) == (kind, code)
    assert "server text" in str(err)
