"""Signature checks against the real 2014 RANDOM.ORG example, config, errors, offline selection."""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.randomness import (
    ERROR_KINDS,
    OFFLINE_ALGORITHM_TEXT,
    PINNED_PUBLIC_KEY_PATH,
    RandomOrgConfig,
    RandomOrgError,
    SignedResult,
    check_signed_file,
    load_public_key,
    offline_select,
    verify_signature,
)
from tests.reference import reference_select

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


def test_config_defaults(monkeypatch):
    for name in ("RANDOM_ORG_API_KEY", "RANDOM_ORG_URL", "RANDOM_ORG_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    cfg = RandomOrgConfig.from_env()
    # Written out, not taken from the module: the real endpoint and the pinned key are the defaults.
    assert cfg.url == "https://api.random.org/json-rpc/4/invoke"
    assert Path(cfg.public_key_path) == Path(__file__).resolve().parents[2] / "engine" / "keys" / "randomorg-public-key.pem"
    assert cfg.api_key == ""
    monkeypatch.setenv("RANDOM_ORG_URL", "http://127.0.0.1:9/x")
    assert RandomOrgConfig.from_env().url == "http://127.0.0.1:9/x"


def test_error_kinds_are_stable():
    assert ERROR_KINDS == (
        "no_key", "key_not_running", "allowance", "bad_signature", "timeout",
        "unreachable", "server_error", "ticket", "protocol",
    )
    err = RandomOrgError("allowance", "used up", 402)
    assert (err.kind, err.code, str(err)) == ("allowance", 402, "used up")
    with pytest.raises(ValueError):
        RandomOrgError("oops", "no such kind")


# --------------------------------------------------------------------------- offline method

POOL_TEXT = "".join(f"{i},KZ{i:06d},C{i},5000\n" for i in range(1, 11))
POOL_SHA = hashlib.sha256(POOL_TEXT.encode("utf-8")).hexdigest()


def test_offline_reproduces_hand_computed_vector():
    assert POOL_SHA == "6072dc8c4019f73ddd54ccb56b929202787de9925920dd0a708d54305716b594"
    # Computed with hashlib by reference_select and written down, so a change in either shows.
    assert reference_select(POOL_SHA, "3 5 1 6 2 4", 10, 4) == [9, 3, 7, 2]
    assert offline_select(POOL_SHA, "3 5 1 6 2 4", 10, 4) == [9, 3, 7, 2]


def test_offline_properties():
    winners = offline_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)
    assert len(winners) == 25 and len(set(winners)) == 25
    assert all(1 <= w <= 1_000_000 for w in winners)
    assert winners == offline_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)
    assert winners != offline_select(POOL_SHA, "dice 6 6 2", 1_000_000, 25)
    assert winners == offline_select(POOL_SHA, "  dice 6 6 1\n", 1_000_000, 25)
    assert winners == reference_select(POOL_SHA, "dice 6 6 1", 1_000_000, 25)


def test_offline_full_draw_is_a_permutation():
    winners = offline_select(POOL_SHA, "42", 50, 50)
    assert sorted(winners) == list(range(1, 51))
    assert winners == reference_select(POOL_SHA, "42", 50, 50)


@pytest.mark.parametrize(
    "args",
    [
        (POOL_SHA, "1", 3, 4),  # more winners than the pool
        (POOL_SHA, "   \n", 3, 1),  # no entropy
        ("abc", "1", 3, 1),  # not a SHA-256
        (POOL_SHA, "1", 3, -1),
    ],
)
def test_offline_refuses(args):
    with pytest.raises(ValueError):
        offline_select(*args)


def test_offline_algorithm_text_is_what_the_code_does():
    """The protocol prints OFFLINE_ALGORITHM_TEXT for anyone to recompute the winners: read literally,
    step by step, it must give offline_select's winners."""
    text = OFFLINE_ALGORITHM_TEXT
    for step in ("the 32 bytes of pool_sha256 followed by", "without leading and trailing spaces, in UTF-8",
                 "SHA-256(i as 4 bytes big-endian + seed + i as 4 bytes big-endian)",
                 "read as a big-endian integer", "(x mod R) of the R participants not yet drawn, in ordinal order"):
        assert step in text, step

    def as_the_text_says(pool_sha256: str, entropy: str, size: int, n: int) -> list[int]:
        seed = bytes.fromhex(pool_sha256) + entropy.strip().encode("utf-8")
        left, winners = list(range(1, size + 1)), []
        for i in range(n):
            x = int.from_bytes(hashlib.sha256(i.to_bytes(4, "big") + seed + i.to_bytes(4, "big")).digest(), "big")
            winners.append(left.pop(x % len(left)))
        return winners

    for entropy, size, n in (("3 5 1 6 2 4", 10, 4), ("  кубик 6 6 1 ", 261, 25), ("x", 1, 1)):
        assert offline_select(POOL_SHA, entropy, size, n) == as_the_text_says(POOL_SHA, entropy, size, n)


@settings(max_examples=200, deadline=None)
@given(
    pool_sha=st.binary(min_size=32, max_size=32).map(bytes.hex),
    entropy=st.text(min_size=1, max_size=20).filter(lambda s: s.strip()),
    pool_size=st.integers(min_value=1, max_value=300),
    data=st.data(),
)
def test_offline_matches_reference(pool_sha, entropy, pool_size, data):
    n = data.draw(st.integers(min_value=0, max_value=pool_size))
    assert offline_select(pool_sha, entropy, pool_size, n) == reference_select(pool_sha, entropy, pool_size, n)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (400, "no_key"), (401, "key_not_running"), (402, "allowance"), (403, "allowance"), (404, "no_key"),
        (420, "ticket"), (421, "ticket"), (422, "ticket"), (423, "ticket"), (426, "ticket"),
        (424, "protocol"), (-32602, "protocol"), (-32603, "server_error"), (-32000, "server_error"),
    ],
)
def test_randomorg_error_codes_map_to_kinds(code, kind):
    from engine.randomness import _error_for_code

    err = _error_for_code(code, "server text")
    assert (err.kind, err.code) == (kind, code)
    assert "server text" in str(err)
