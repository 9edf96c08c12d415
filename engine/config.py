"""Where the installation's settings come from: one place for every part.

- the data folder: `$PROMOTION_DATA_DIR`, else `<repo>/data`;
- the database: `$PROMOTION_DB_URL`, else `promotion.sqlite` in the data folder;
- named settings (API keys, the signing certificate, the cookie secret): the
  environment first, else the top level of Streamlit's default secrets files,
  read with `tomllib` so that command lines never import Streamlit; a caller that
  holds secrets of its own puts them before the environment (`setting_over_environment`);
- the ingest limits, each overridable by its `PROMOTION_MAX_*` variable;
- another rules file (`$PROMOTION_RULES`) and the audit actor of commands (`$PROMOTION_ACTOR`).

Everything is read when asked for, not at import, so tests and commands that set
the environment before calling see their own values.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parent.parent
DB_FILE_NAME = "promotion.sqlite"
DATA_DIR_ENV = "PROMOTION_DATA_DIR"
DB_URL_ENV = "PROMOTION_DB_URL"


def configured_data_dir() -> Path | None:
    """`$PROMOTION_DATA_DIR` when set, else None (the default folder, or one a caller derives)."""
    value = os.environ.get(DATA_DIR_ENV)
    return Path(value) if value else None


def data_dir() -> Path:
    """The folder for the SQLite file, kept uploads, the local certificate and the demo files."""
    return configured_data_dir() or REPO_DIR / "data"


def configured_database_url() -> str | None:
    """`$PROMOTION_DB_URL` when set, else None (the embedded SQLite default)."""
    return os.environ.get(DB_URL_ENV) or None


def database_url() -> str:
    """`$PROMOTION_DB_URL`, else a SQLite file in the data folder (created when missing)."""
    url = configured_database_url()
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DB_FILE_NAME).resolve()}"


def rules_file() -> str | None:
    """`$PROMOTION_RULES`: another rules file than engine/rules.toml (None: the shipped one)."""
    return os.environ.get("PROMOTION_RULES") or None


def actor_name() -> str | None:
    """`$PROMOTION_ACTOR`: who the audit entries name when a store is given no actor (None: user@host)."""
    return os.environ.get("PROMOTION_ACTOR") or None


def secrets_files() -> tuple[Path, ...]:
    """Streamlit's default secrets files, in the order Streamlit merges them (the later wins)."""
    return (Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml")


def secrets_toml() -> dict:
    """The merged contents of the default secrets files. An unreadable or broken file counts as
    absent, as it does for Streamlit's own `st.secrets` lookup of an optional value."""
    merged: dict = {}
    for path in secrets_files():
        try:
            merged.update(tomllib.loads(path.read_text("utf-8")))
        except (OSError, ValueError, RuntimeError):
            continue
    return merged


def top_level_secrets() -> dict[str, str]:
    """The plain (non-table) values of the secrets files, as text."""
    return {k: str(v) for k, v in secrets_toml().items() if not isinstance(v, dict)}


def setting(name: str) -> str | None:
    """A named setting: the environment first, else the secrets files' top level; None when absent."""
    value = os.environ.get(name)
    if value:
        return value
    found = secrets_toml().get(name)
    return None if found is None or isinstance(found, dict) else str(found)


def setting_over_environment(name: str, given: Mapping[str, Any] | None = None) -> str:
    """A named setting from `given` (a caller's own secrets) when it holds a non-empty value, else the
    environment; stripped, "" when absent. Unlike `setting`, the secrets files are read only when the
    caller passes them (`top_level_secrets()`), and then they come before the environment."""
    if given is not None and given.get(name) not in (None, ""):
        return str(given[name]).strip()
    return os.environ.get(name, "").strip()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Limits:
    """Guards against files that would exhaust memory. Configurable by environment."""

    # A 1 000 000-row month as CSV is ~170 MB, and its preview peaks near 530 MB (benchmarks/ingest.py).
    max_file_bytes: int = 256 * 1024 * 1024
    max_rows: int = 1_048_576  # Excel's own row limit: a month that fits a sheet fits here
    # A 1 000 000-row month written like the demo (inline strings, 15 columns) unpacks to ~950 MB;
    # with Excel's shared strings, less. The memory bound is the cell limit, checked before reading.
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    # Excel's own limit on the characters of one cell: a longer cell cannot come from a spreadsheet.
    max_cell_chars: int = 32_767

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            max_file_bytes=_env_int("PROMOTION_MAX_FILE_MB", base.max_file_bytes // 2**20) * 2**20,
            max_rows=_env_int("PROMOTION_MAX_ROWS", base.max_rows),
            max_uncompressed_bytes=_env_int("PROMOTION_MAX_UNCOMPRESSED_MB", base.max_uncompressed_bytes // 2**20)
            * 2**20,
            max_cell_chars=_env_int("PROMOTION_MAX_CELL_CHARS", base.max_cell_chars),
        )
