"""Loads the heuristics in `patterns.toml` once and compiles its regular expressions.

`CLAIMLEDGER_PATTERNS` may name another TOML file with the same tables to try other rules.
"""
from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATTERNS = Path(__file__).with_name("patterns.toml")


def _full(patterns: list[str], flags: int = re.IGNORECASE) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, flags) for p in patterns)


@dataclass(frozen=True, eq=False)
class Settings:
    """Compared and hashed by identity: one object per patterns file, cached by `load_settings`."""

    raw: dict[str, Any]
    furniture: tuple[re.Pattern, ...]
    list_headers: tuple[re.Pattern, ...]
    caption_openers: tuple[re.Pattern, ...]
    credit_lines: tuple[re.Pattern, ...]
    byline: re.Pattern
    published_lines: tuple[re.Pattern, ...]
    citation_patterns: tuple[re.Pattern, ...]
    interview_turn: re.Pattern

    def __getitem__(self, table: str) -> dict[str, Any]:
        return self.raw[table]


def load_settings(path: Path | str | None = None) -> Settings:
    path = Path(path or os.environ.get("CLAIMLEDGER_PATTERNS") or DEFAULT_PATTERNS)
    return _load(str(path))


@functools.cache
def _load(path: str) -> Settings:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    clean = raw["clean"]
    return Settings(
        raw=raw,
        furniture=_full(clean["furniture"]),
        list_headers=_full(clean["list_headers"]),
        caption_openers=_full(clean["caption_openers"]),
        credit_lines=_full(clean["credit_lines"]),
        byline=re.compile(clean["byline"]),
        published_lines=_full(raw["dates"]["published_lines"]),
        citation_patterns=_full(raw["citations"]["patterns"], 0),
        interview_turn=re.compile(raw["quotes"]["interview_turn"]),
    )
