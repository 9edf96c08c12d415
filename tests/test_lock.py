"""The lock files keep to pyproject.toml's ranges (the one place they live), and agree with each other.

Both README commands install from the locks (requirements.txt, requirements-dev.txt), so every
install gets the versions the tests ran with; `bash scripts/lock.sh` regenerates them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def pins(name: str) -> dict[str, str]:
    """package -> pinned version of a lock file; every line a `name==version [; marker]`."""
    out = {}
    for line in (ROOT / name).read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier  # exactly one `==` pin a line
        assert spec.operator == "==", f"{name}: {line!r} is not pinned"
        out[canonicalize_name(req.name)] = spec.version
    return out


@pytest.mark.parametrize(
    "lock, ranges",
    [
        ("requirements.txt", PROJECT["dependencies"]),
        ("requirements-dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_each_range_is_locked_within_it(lock, ranges):
    locked = pins(lock)
    for text in ranges:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is in pyproject.toml but not in {lock}: run scripts/lock.sh"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {req.name}=={locked[name]}, outside pyproject.toml's {req.specifier}: run scripts/lock.sh"
        )


def test_the_dev_lock_installs_the_app_lock_unchanged():
    app, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {k: dev.get(k) for k in app} == app
