"""The installation's store, opened once per process for each database, data folder and actor.

A leaf of `ui/`: it knows the configuration (engine.config), not who is signed
in, so that `ui.auth` can keep its sign-in records here and `ui.stores` can
open the store as the signed-in user without the two importing each other.
"""

from __future__ import annotations

import streamlit as st

from engine import config
from engine.store import Store


@st.cache_resource(show_spinner=False)
def _open(url: str | None, folder: str, actor: str) -> Store:
    return Store(url, actor=actor)


def open_store(actor: str) -> Store:
    """The store of this configuration, writing `actor` into the audit record (one per data folder,
    so tests that each set their own folder stay apart)."""
    return _open(config.configured_database_url(), str(config.data_dir()), actor)
