"""Argument types shared by the `python -m engine` commands."""

from __future__ import annotations

import argparse
import datetime as dt


def month_arg(value: str) -> str:
    try:
        dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {value!r}") from None
    return value


def date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
