"""Command line over the engine: `python -m engine COMMAND ...`.

Each command lives in its own module with `register(subparsers)`; the module
sets `func` on its parser. Exit codes: 0 done, 1 refused or check failed,
2 the input could not be used (message on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("engine.cli_preview", "engine.cli_draw", "engine.cli_verify")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
