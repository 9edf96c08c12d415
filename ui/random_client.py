"""Where the app's random numbers come from: RANDOM.ORG for real draws, the loopback stand-in in rehearsal.

The key and address come from engine.config (environment and secrets.toml);
the stand-in is started once per data folder and kept for the life of the process.
"""

from __future__ import annotations

import streamlit as st

from engine import config
from engine.randomorg import RandomOrgClient, RandomOrgConfig
from engine.standin import StandIn


def randomorg_config() -> RandomOrgConfig:
    return RandomOrgConfig.from_env(secrets=config.top_level_secrets())


@st.cache_resource(show_spinner=False)
def _standin(key_dir: str) -> StandIn:
    return StandIn(key_dir=key_dir).start()


def standin() -> StandIn:
    """The rehearsal stand-in: one loopback server per data folder, kept for the life of the process."""
    return _standin(str(config.data_dir() / "standin"))


def randomorg_client(*, rehearsal: bool) -> RandomOrgClient:
    """RANDOM.ORG for real draws; the loopback stand-in (its own key) in rehearsal mode."""
    if rehearsal:
        server = standin()
        return RandomOrgClient(server.api_key, server.url, public_key_pem=server.public_key_pem)
    return RandomOrgClient.from_config(randomorg_config())


def randomorg_configured(*, rehearsal: bool) -> bool:
    """A key is set (or the rehearsal stand-in answers): asking RANDOM.ORG again can help."""
    return rehearsal or bool(randomorg_config().api_key)
