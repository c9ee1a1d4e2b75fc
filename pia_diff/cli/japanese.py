"""The command line in Japanese: typer's help with its framework words translated and its columns
lined up again by display width, and typer's usage errors as Japanese sentences."""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

# The help's framework words (typer prints them in English), in Japanese.
_HELP_WORDS = (
    ("Usage:", "使い方:"),
    ("Arguments:", "引数:"),
    ("Options:", "オプション:"),
    ("Commands:", "コマンド:"),
    ("Show this message and exit.", "この説明を表示して終了します。"),
    ("[OPTIONS]", "[オプション]"),
    ("COMMAND [ARGS]...", "コマンド [引数]..."),
    ("[required]", "[必須]"),
    ("[default: ", "[既定: "),
)
# Placeholders of the option column (wider in Japanese: the columns are lined up again after).
_PLACEHOLDERS = (("<path>", "<パス>"), ("<str>", "<文字列>"), ("<int range>", "<整数>"), ("<integer>", "<整数>"))


def japanese_help(text: str) -> str:
    """typer's help text with its English framework words and placeholders in Japanese, and each
    section's second column lined up again by display width (a Japanese placeholder is wider)."""
    lines = []
    for line in text.split("\n"):
        for english, japanese in (*_PLACEHOLDERS, *_HELP_WORDS):
            line = line.replace(english, japanese)
        lines.append(line)
    out: list[str] = []
    section: list[str] | None = None  # the rows of the section being read
    for line in lines:
        if section is not None and line.startswith("  "):
            section.append(line)
            continue
        if section is not None:
            out.extend(_aligned(section))
        out.append(line)
        # a section heading (引数: オプション: コマンド:) starts rows of two columns
        section = [] if line.endswith(":") and not line.startswith(" ") else None
    if section is not None:
        out.extend(_aligned(section))
    return "\n".join(out)


def _aligned(rows: list[str]) -> list[str]:
    """Rows of '  term  help' (help carried on in lines indented further) with help at one column."""
    from pia_diff.text import display_width

    entries: list[tuple[str, list[str]]] = []
    for row in rows:
        found = re.match(r"^  (\S.*?)(?:  +(\S.*))?$", row)
        if found is None and entries:  # a help text carried on
            entries[-1][1].append(row.strip())
        elif found is not None:
            entries.append((found.group(1), [found.group(2)] if found.group(2) else []))
        else:
            return rows
    column = 4 + max((display_width(term) for term, help_lines in entries if help_lines), default=0)
    out = []
    for term, help_lines in entries:
        if not help_lines:
            out.append(f"  {term}")
            continue
        out.append(f"  {term}{' ' * (column - 2 - display_width(term))}{help_lines[0]}")
        out.extend(" " * column + more for more in help_lines[1:])
    return out


class _Group(TyperGroup):
    def get_help(self, ctx: Any) -> str:
        return japanese_help(super().get_help(ctx))


class _Command(TyperCommand):
    def get_help(self, ctx: Any) -> str:
        return japanese_help(super().get_help(ctx))


# typer's usage errors (English) as Japanese sentences; the names and values they quote are kept.
_USAGE_PATTERNS = (
    (r"Missing argument '([^']+)'\.", r"引数 \1 がありません。"),
    (r"Missing option '([^']+)'\.", r"オプション \1 の指定がありません。"),
    (r"Option '([^']+)' requires an argument\.", r"オプション \1 に値がありません。"),
    (r"No such option: (\S+) \(Possible options: ([^)]+)\)", r"オプション \1 はありません (似たもの: \2)。"),
    (r"No such option: (\S+)", r"オプション \1 はありません。"),
    (r"No such command '([^']+)'\.", r"コマンド「\1」はありません。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", r"余分な引数があります: \1"),
    (
        r"Invalid value for '([^']+)': '([^']*)' is not one of (.+)\.",
        r"\1 の値「\2」は使えません (\3 のどれか)。",
    ),
    # click's own wording (typer is kept below 0.29, which checks values with pydantic instead)
    (r"Invalid value for '([^']+)': (-?\d+) is not in the range x>=(-?\d+)\.", r"\1 の値は \3 以上にしてください。"),
    (
        r"Invalid value for '([^']+)': (-?\d+) is not in the range (-?\d+)<=x<=(-?\d+)\.",
        r"\1 の値は \3 から \4 までにしてください。",
    ),
    (
        r"Invalid value for '([^']+)': '([^']*)' is not a valid (?:int range|integer)\.",
        r"\1 の値は整数にしてください。",
    ),
    (r"Invalid value for '([^']+)': (.*)", r"\1 の値が正しくありません (\2)。"),
)


def usage_message(text: str) -> str:
    """A usage error of typer's in Japanese; one we do not know keeps its English after a Japanese lead."""
    for english, japanese in _USAGE_PATTERNS:
        found = re.fullmatch(english, text.strip())
        if found:
            return found.expand(japanese)
    return f"コマンドの指定が正しくありません ({text})"
