"""Write docs/cli.md, the command reference, from the commands' own --help.

Run `python docs/gen_cli.py` after changing a command; tests/test_docs.py fails while
the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

OUT = Path(__file__).with_name("cli.md")


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from _walk(cmd.commands[name], [*path, name])


def render() -> str:
    from tm.cli import cli

    parts = ["# Command reference\n\n", "Generated from `--help` by `docs/gen_cli.py`; do not edit by hand.\n"]
    runner = CliRunner()
    for path, _cmd in _walk(cli, []):
        result = runner.invoke(cli, [*path, "--help"], prog_name="tm", terminal_width=100)
        title = " ".join(["tm", *path])
        parts.append(f"\n## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.exists() and OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
