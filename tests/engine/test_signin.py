"""Sign-in throttling: the schedule of waits, read from a real audit record on SQLite."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engine import signin
from engine.records import AuditEntry
from engine.signin import FREE_TRIES, MAX_DELAY, delay_seconds, failures_since_success, wait_for, wait_seconds
from engine.store import Store

T0 = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'p.sqlite'}")
    yield s
    s.close()


def fail(store: Store, name: str, times: int = 1) -> AuditEntry:
    """Wrong passwords for `name`, recorded the way the sign-in form records them."""
    entry = None
    for _ in range(times):
        failures = failures_since_success(entries(store, name), name) + 1
        entry = store.append_audit(signin.SIGN_IN_FAILED, signin.failure_payload(name, failures), actor="form")
    return entry


def succeed(store: Store, name: str) -> AuditEntry:
    return store.append_audit(signin.SIGN_IN, signin.success_payload(name), actor=f"{name} [manager]")


def entries(store: Store, name: str, limit: int = signin.WINDOW) -> list[AuditEntry]:
    return store.latest_audit(signin.ACTIONS, field=signin.KEY_FIELD, value=signin.user_key(name), limit=limit)


def wait_now(store: Store, name: str) -> int:
    """The wait right after the last entry was written (the clock of the entry itself)."""
    found = entries(store, name)
    at = found[-1].at if found else T0
    return wait_for(found, name, at)


# ---------------------------------------------------------------- the schedule


def test_five_tries_are_free_then_the_sixth_waits():
    assert FREE_TRIES == 5
    assert [delay_seconds(n) for n in range(FREE_TRIES)] == [0, 0, 0, 0, 0]
    assert delay_seconds(5) > 0


def test_delays_grow_reach_30_seconds_at_10_failures_and_stop_at_the_cap():
    delays = [delay_seconds(n) for n in range(5, 40)]
    assert all(b >= a for a, b in zip(delays, delays[1:]))
    assert delays[:6] == [1, 2, 4, 8, 16, 32]  # doubling from the 6th try on
    assert all(delay_seconds(n) >= 30 for n in range(10, 100))
    assert max(delays) == MAX_DELAY and delay_seconds(10_000) == MAX_DELAY


def test_the_wait_counts_down_from_the_last_failure():
    assert wait_seconds(6, T0, T0) == 2
    assert wait_seconds(6, T0, T0 + dt.timedelta(seconds=0.5)) == 2  # whole seconds, rounded up
    assert wait_seconds(6, T0, T0 + dt.timedelta(seconds=1)) == 1
    assert wait_seconds(6, T0, T0 + dt.timedelta(seconds=2)) == 0
    assert wait_seconds(10, T0, T0 + dt.timedelta(seconds=29)) >= 1
    assert wait_seconds(4, T0, T0) == 0 and wait_seconds(6, None, T0) == 0


def test_a_failure_stamped_in_the_future_does_not_shorten_the_wait():
    assert wait_seconds(10, T0 + dt.timedelta(minutes=5), T0) == delay_seconds(10)


# ---------------------------------------------------------------- from the audit record


def test_failures_are_counted_from_the_audit_record(store):
    for n in range(1, FREE_TRIES):
        fail(store, "aigerim")
        assert failures_since_success(entries(store, "aigerim"), "aigerim") == n
        assert wait_now(store, "aigerim") == 0
    fail(store, "aigerim")  # the 5th
    assert wait_now(store, "aigerim") == 1
    fail(store, "aigerim", 5)  # the 10th
    assert failures_since_success(entries(store, "aigerim"), "aigerim") == 10
    assert wait_now(store, "aigerim") >= 30
    recorded = [e for e in store.audit() if e.action == signin.SIGN_IN_FAILED]
    assert [e.payload["failures"] for e in recorded] == list(range(1, 11))
    assert all(e.payload["user"] == "aigerim" and e.at.tzinfo is not None for e in recorded)


def test_a_success_resets_the_count(store):
    fail(store, "aigerim", 7)
    assert wait_now(store, "aigerim") > 0
    succeed(store, "aigerim")
    assert failures_since_success(entries(store, "aigerim"), "aigerim") == 0
    assert wait_now(store, "aigerim") == 0
    fail(store, "aigerim")
    assert failures_since_success(entries(store, "aigerim"), "aigerim") == 1


def test_user_names_are_throttled_independently(store):
    fail(store, "aigerim", 8)
    fail(store, "bolat", 2)
    assert failures_since_success(entries(store, "bolat"), "bolat") == 2
    assert wait_now(store, "bolat") == 0
    assert wait_now(store, "aigerim") == delay_seconds(8)
    succeed(store, "bolat")
    assert failures_since_success(entries(store, "aigerim"), "aigerim") == 8  # bolat's success is not hers


def test_unknown_names_are_throttled_by_the_name_as_typed_lower_cased(store):
    # The engine does not know who is configured: any name counts, so guessing names is slow too.
    for typed in ["Nobody", " NOBODY ", "nobody", "noBody", "nobody\t"]:
        fail(store, typed)
    assert failures_since_success(entries(store, "NoBoDy"), "NoBoDy") == 5
    assert wait_now(store, "nobody") == 1
    assert [e.payload["user"] for e in store.audit()] == ["Nobody", "NOBODY", "nobody", "noBody", "nobody"]
    assert failures_since_success(entries(store, "nobody2"), "nobody2") == 0


def test_non_latin_names_share_one_counter_whatever_the_case(store):
    fail(store, "Айгерім", 3)
    fail(store, "АЙГЕРІМ", 2)
    assert failures_since_success(entries(store, "айгерім"), "айгерім") == 5


def test_names_with_like_wildcards_and_quotes_match_only_themselves(store):
    for name in ["a_c", "a%c", 'a"c', "a\\c", "a/c"]:
        fail(store, name)
    fail(store, "abc", 6)
    for name in ["a_c", "a%c", 'a"c', "a\\c", "a/c"]:
        found = entries(store, name)
        assert [e.payload["user"] for e in found] == [name], name
    assert entries(store, "a") == []


def test_a_window_of_the_latest_entries_still_gives_the_full_count(store):
    fail(store, "aigerim", 12)
    window = entries(store, "aigerim", limit=3)
    assert len(window) == 3
    assert failures_since_success(window, "aigerim") == 12
    succeed(store, "aigerim")
    fail(store, "aigerim", 2)
    assert failures_since_success(entries(store, "aigerim", limit=3), "aigerim") == 2


def test_other_audit_entries_do_not_count(store):
    store.append_audit("commission_defaults", {"user": "aigerim", "key": "aigerim"})
    assert entries(store, "aigerim") == []
    assert failures_since_success(store.audit(), "aigerim") == 0


# ---------------------------------------------------------------- the sign-in cookie's token

SECRET = bytes.fromhex("11" * 32)


def test_a_token_verifies_until_it_expires():
    token = signin.sign_token(SECRET, "aigerim", "commission", T0, nonce="n1")
    found = signin.verify_token(SECRET, token, T0)
    assert found == signin.Token("aigerim", "commission", T0 + signin.TOKEN_LIFETIME, "n1")
    assert signin.TOKEN_LIFETIME == dt.timedelta(hours=12)
    assert signin.verify_token(SECRET, token, T0 + signin.TOKEN_LIFETIME - dt.timedelta(seconds=1)) == found
    assert signin.verify_token(SECRET, token, T0 + signin.TOKEN_LIFETIME) is None
    assert signin.verify_token(SECRET, token, T0 + dt.timedelta(days=30)) is None


def test_every_token_gets_its_own_random_nonce_and_non_latin_names_survive():
    one, two = (signin.sign_token(SECRET, "Айгерім", "staff", T0) for _ in range(2))
    assert one != two
    a, b = signin.verify_token(SECRET, one, T0), signin.verify_token(SECRET, two, T0)
    assert a.user == b.user == "Айгерім" and a.nonce != b.nonce and len(a.nonce) == 32
    assert all(c.isalnum() or c in "-_." for c in one)  # a cookie value needs no quoting


def _reseal(token: str, change) -> str:
    """The token's payload edited by `change`, under its original MAC."""
    body, mac = token.split(".")
    payload = json.loads(signin._unb64(body))
    change(payload)
    return signin._b64(json.dumps(payload).encode()) + "." + mac


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(r="admin"),
        lambda p: p.update(u="bolat"),
        lambda p: p.update(exp=p["exp"] + 86_400),
        lambda p: p.update(n="someone-elses"),
    ],
)
def test_a_tampered_token_is_refused(change):
    token = signin.sign_token(SECRET, "aigerim", "staff", T0)
    assert signin.verify_token(SECRET, _reseal(token, change), T0) is None


def test_a_token_is_refused_under_another_key_or_when_damaged():
    token = signin.sign_token(SECRET, "aigerim", "staff", T0)
    body, mac = token.split(".")
    assert signin.verify_token(bytes.fromhex("22" * 32), token, T0) is None
    assert signin.verify_token(b"", token, T0) is None
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    for bad in [
        None,
        "",
        body,
        f"{body}.",
        f".{mac}",
        f"{body}.{flipped}",
        f"{token}.{mac}",
        "x" * 5000,
        "%%%.%%%",
        token.replace(".", ""),
    ]:
        assert signin.verify_token(SECRET, bad, T0) is None, bad
    forged = signin._b64(b'{"v":1,"u":"a","r":"admin","exp":9999999999,"n":"x"}')
    assert signin.verify_token(SECRET, f"{forged}.{mac}", T0) is None


def test_a_well_signed_token_of_the_wrong_shape_is_refused():
    def signed(payload: dict) -> str:
        body = signin._b64(json.dumps(payload).encode())
        return f"{body}.{signin._mac(SECRET, body)}"

    good = {"v": 1, "u": "aigerim", "r": "staff", "exp": int(T0.timestamp()) + 60, "n": "abc"}
    assert signin.verify_token(SECRET, signed(good), T0) is not None
    for change in [{"v": 2}, {"u": ""}, {"r": None}, {"n": 7}, {"exp": "soon"}, {"exp": True}, {"exp": 1.5}]:
        assert signin.verify_token(SECRET, signed({**good, **change}), T0) is None, change
    assert signin.verify_token(SECRET, signed({k: v for k, v in good.items() if k != "n"}), T0) is None
    body = signin._b64(b"[1, 2]")
    assert signin.verify_token(SECRET, f"{body}.{signin._mac(SECRET, body)}", T0) is None


def test_a_sign_out_in_the_audit_record_revokes_exactly_its_token(store):
    mine = signin.verify_token(SECRET, signin.sign_token(SECRET, "aigerim", "staff", T0), T0)
    other = signin.verify_token(SECRET, signin.sign_token(SECRET, "aigerim", "staff", T0), T0)

    def revoked(nonce: str) -> bool:
        return signin.revoked(
            store.latest_audit((signin.SIGN_OUT,), field=signin.NONCE_FIELD, value=nonce, limit=1), nonce
        )

    assert not revoked(mine.nonce)
    store.append_audit(signin.SIGN_OUT, signin.sign_out_payload("aigerim", mine.nonce), actor="aigerim [staff]")
    assert revoked(mine.nonce) and not revoked(other.nonce)
    assert signin.sign_out_payload(" Aigerim ", "n") == {"user": "Aigerim", "key": "aigerim", "nonce": "n"}
    assert failures_since_success(store.audit(), "aigerim") == 0  # a sign-out is not a password try
    assert not signin.revoked([e for e in store.audit() if e.action != signin.SIGN_OUT], mine.nonce)


def test_the_secret_is_made_once_readable_by_the_owner_only(tmp_path):
    folder = tmp_path / "data"
    first = signin.secret_from_folder(folder)
    assert len(first) == 32
    assert (folder / signin.SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert signin.secret_from_folder(folder) == first
    assert signin.secret_from_folder(tmp_path / "elsewhere") != first
    with pytest.raises(ValueError):
        signin.sign_token(b"", "aigerim", "staff", T0)
