"""Edits a person makes to a 評価書, one value-bearing line (or workbook cell) at a time, and the release
gate run on each in process (issue 17's property: `check` never says 提出できます over a change it did not
see, while the new version's 別添2 does not list the change).

The documents are the repository's real ones (`document_names()`, `document(name)`): the seeds, the asahikawa sample, the small
form documents, the new versions of `tests/cases/*`, the text the PDF reader makes of each fixture PDF (a
document too: a person may edit it), and workbooks written by `pia-diff export`, edited cell by cell.

A value-bearing line is found twice, so that the test does not trust the parser it tests (`value_lines`):
by the reader's own hits (each item's label line and the lines its value continues on) and by a plain
heuristic (every non-blank line that is no part heading, table of contents, title, form-version mark,
公表日 or line of the 別添2 table). The union is edited. Each edit keeps the line's layout (TABs, markup):

  tick     a checkbox ticked or unticked ([ ]↔[○], <input type="checkbox"/>↔<input checked="" …/>, □↔■)
  choice   a bracketed choice moved to another option of the item ([委託する]→[委託しない])
  append   a sentence appended to the value (「また、年1回の点検を追加する。」)
  change   a number or a word changed inside the value (a digit +1, 「市民課」→「市民税課」)
  delete   the value deleted (the cells emptied, the TABs kept)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from pia_diff import pipeline
from pia_diff.catalogue import Kind, load_catalogue
from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes
from pia_diff.ingest.generic import COVER_LABELS, GenericReader, is_generic
from pia_diff.ingest.textform import parse
from pia_diff.report.gate import release_text
from pia_diff.snapshot import Snapshot

ROOT = Path(__file__).resolve().parent.parent
# The revision date every gate run uses (a date after every document's 公表日).
DATE = dt.date(2026, 4, 1)
SENTENCE = "また、年1回の点検を追加する。"
# What a cell holds when it is empty: deleting it is no change (issue 17 §7), so it is not an edit.
EMPTY_MARKS = frozenset({"", "—", "-", "－", "―", "‐", "ー", "−"})
# The cover's field whose value changes with every publication (RULES.md §3): edits there are no change.
NOT_A_CHANGE = ("公表日",)


class EditKind(StrEnum):
    TICK = "tick"
    CHOICE = "choice"
    APPEND = "append"
    CHANGE = "change"
    DELETE = "delete"


KINDS = tuple(EditKind)


@dataclass(frozen=True)
class Edit:
    """One edit: where (a 1-based line of a text, or 'sheet!B5' of a workbook), what kind, the line (or
    cell) before and after, and a short description ("[ ]→[○]", "実施しない→実施する")."""

    where: int | str
    kind: EditKind
    before: str
    after: str
    what: str


# ---- the edits of one line ------------------------------------------------------------------------

# Checkbox markers in every spelling the documents use; an empty bracket before <選択肢> is an empty
# choice, not a box.
_BOX = re.compile(
    r"(?P<input><input\b[^<>]*\btype=\"(?:checkbox|radio)\"[^<>]*>)"
    r"|(?P<on>\[[ \u3000]*[○〇◯✓✔●■][ \u3000]*\])"
    r"|(?P<off>\[[ \u3000]*\](?![ \u3000]*[<＜][ \u3000]*選択肢))"
    r"|(?P<unknown>\[[ \u3000]*[?？][ \u3000]*\])"
    r"|(?P<square>[□■])"
)
_CHECKED = re.compile(r"\s*\bchecked(?:=\"[^\"]*\")?")
# A filled choice bracket; PDF dumps may lose the closing bracket at the end of a line.
_CHOICE = re.compile(
    r"\[(?P<pad>[ \u3000]*)(?P<x>[^\[\]<>\t○〇◯?？ \u3000][^\[\]<>\t]*?)[ \u3000]*(?:\]|$)", re.MULTILINE
)
_LIST_MARK = re.compile(r"[<＜]\s*選択肢\s*[>＞]|選択肢")
_OPTION = re.compile(r"(?:^|(?<=[\s>\t]))\d{1,2}\)\s*(.+?)(?=\s*(?:\d{1,2}\)|$))")
_TAG = re.compile(r"<[^<>]*>")
_HTML = re.compile(r"</?[A-Za-z][^<>]*>")
_OPTION_LINE = re.compile(r"^\s*(?:<[^<>]*>\s*)*(?:[<＜]\s*選択肢\s*[>＞]|[0-9０-９]{1,2}\s*[)）])")
_BRACKET = re.compile(r"\[[^\[\]]*\]?")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_DIGITS = re.compile(r"[0-9０-９]+")
_KANJI = re.compile(r"[\u4e00-\u9fff々]{2,}")
_WORD = re.compile(r"[^\W\d_]{2,}")
# A line that is a heading or a label on its own ('3. 特定個人情報ファイル名', '①部署', 'システム2～5')
_LABEL_LIKE = re.compile(
    r"^\s*(?:[0-9０-９]{1,2}\s*[.．]|[①-⑳]|[(（]別添|リスク\s*\d*\s*[:：]|"
    r"(?:システム|委託事項|提供先|移転先)\s*[0-9０-９]+(?:\s*[～~〜]\s*[0-9０-９]+)?\s*$)"
)


def key(text: str) -> str:
    """A text folded for matching (NFKC, no spaces): width and spacing do not count, as in the tool."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _visible(text: str) -> str:
    """The text people read: HTML tags out (「<選択肢>」 and 「<ガバメントクラウドにおける措置>」 are text)."""
    return key(_HTML.sub(" ", text))


def _toggled(marker: re.Match[str]) -> tuple[str, str]:
    """(the marker ticked or unticked, a description)."""
    text = marker.group(0)
    if marker.group("input"):
        if _CHECKED.search(text):
            return _CHECKED.sub("", text, count=1), "checked→unchecked"
        return text.replace("<input", '<input checked=""', 1), "unchecked→checked"
    spaced = " " in text or "\u3000" in text
    if marker.group("on"):
        return ("[ ]" if spaced else "[]"), f"{text}→[ ]"
    if marker.group("off") or marker.group("unknown"):
        return ("[ ○ ]" if spaced else "[○]"), f"{text}→[○]"
    return ("■" if text == "□" else "□"), f"{text}→{'■' if text == '□' else '□'}"


def _ticks(value: str) -> Iterator[tuple[str, str]]:
    for marker in _BOX.finditer(value):
        toggled, what = _toggled(marker)
        label = _visible(value[marker.end() : marker.end() + 30])[:12]
        yield value[: marker.start()] + toggled + value[marker.end() :], f"{what} {label}"


def listed_options(text: str) -> tuple[str, ...]:
    """The options a choice prints after its 「<選択肢>」 ('1) 委託する 2) 委託しない (1) 件')."""
    mark = _LIST_MARK.search(text)
    if mark is None:
        return ()
    plain = " ".join(_TAG.sub(" ", text[mark.end() :].replace("\t", " ")).split())
    out = []
    for found in _OPTION.finditer(plain):
        option = re.sub(r"[\s(（]*$", "", found.group(1))
        option = re.sub(r"\s*[(（]\s*[0-9０-９]*\s*[)）]?\s*件?$", "", option).strip()
        if option:
            out.append(option)
    return tuple(out)


def _choices(value: str, options: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for found in _CHOICE.finditer(value):
        chosen = found.group("x").strip()
        if not any(key(o) == key(chosen) for o in options):
            continue
        for option in options:
            if key(option) == key(chosen):
                continue
            start, end = found.span("x")
            end = start + len(found.group("x").rstrip())
            yield value[:start] + option + value[end:], f"{chosen}→{option}"


def _free(value: str) -> list[bool]:
    """Which characters of a value a person edits as text: not markup, not a choice's bracket or its
    printed option list, not a checkbox set's option labels (only what is written in their ( ))."""
    free = [True] * len(value)

    def mask(start: int, end: int) -> None:
        free[start:end] = [False] * (end - start)

    for pattern in (_TAG, _BRACKET):
        for found in pattern.finditer(value):
            mask(*found.span())
    offset = 0
    for cell in value.split("\t"):
        mark = _LIST_MARK.search(cell)
        if mark is not None:
            mask(offset + mark.start(), offset + len(cell))
        elif _OPTION_LINE.match(cell):
            mask(offset, offset + len(cell))  # '3) 50人以上100人未満' on a row of its own
        boxes = list(_BOX.finditer(cell))
        if boxes:
            mask(offset, offset + len(cell))  # group captions and option labels are the form's text
            for paren in _PAREN.finditer(cell, boxes[0].start()):
                if cell[paren.start() - 1 : paren.start()].isspace():  # 「その他 (…)」, not 「電子記録媒体(…)」
                    free[offset + paren.start(1) : offset + paren.end(1)] = [True] * (paren.end(1) - paren.start(1))
        offset += len(cell) + 1
    return free


def _change(value: str) -> tuple[str, str] | None:
    """A digit changed (+1, or -1 from 9) in the first number of the free text that is no list or
    option numbering; else 税 inserted in the first word of kanji ('市民課'→'市民税課'); else 新."""
    free = _free(value)

    def usable(span: tuple[int, int]) -> bool:
        return all(free[span[0] : span[1]])

    for found in _DIGITS.finditer(value):
        start, end = found.span()
        if not usable((start, end)):
            continue
        after = value[end : end + 1]
        before = value[start - 1 : start] if start else ""
        if after in (")", "）") and before not in ("(", "（"):
            continue  # '1) 委託する': an option's number
        if after in (".", "．") and value[end + 1 : end + 2] in ("", " ", "\u3000", "\t"):
            continue  # '1. 届出情報の登録': a list's number
        digit = found.group(0)[-1]
        base = "０" if "０" <= digit <= "９" else "0"
        n = ord(digit) - ord(base)
        new = chr(ord(base) + (n - 1 if n == 9 else n + 1))
        return value[: end - 1] + new + value[end:], f"{found.group(0)}→{found.group(0)[:-1]}{new}"
    for pattern, insert, at_end in ((_KANJI, "税", True), (_WORD, "新", False)):
        for found in pattern.finditer(value):
            if not usable(found.span()):
                continue
            cut = found.end() - 1 if at_end else found.start() + 1
            word = found.group(0)
            changed = value[:cut] + insert + value[cut:]
            return changed, f"{word}→{changed[found.start() : found.end() + 1]}"
    return None


def _append(value: str) -> str:
    """The sentence after the value's last character; an empty value (or a dash for one) becomes it."""
    if _visible(value) in EMPTY_MARKS:
        cells = value.split("\t")
        index = next((i for i, c in enumerate(cells) if c.strip()), 0)
        cells[index] = SENTENCE
        return "\t".join(cells)
    end = len(value.rstrip(" \t\u3000"))
    last = value[end - 1]
    glue = "" if last in "。．.」)）>" else " "
    return value[:end] + glue + SENTENCE + value[end:]


def _delete(value: str) -> str | None:
    """Every cell of the value emptied (the TABs kept); nothing when it is already empty or is only a
    choice's printed option list (the form's text, no value)."""
    if _visible(value) in EMPTY_MARKS or not re.search(r"[^\W_]", _visible(value)):
        return None  # an empty cell, or a PDF dump's stray 「]」, 「（」, 「○」: no value to delete
    text = any(free and not ch.isspace() for ch, free in zip(value, _free(value), strict=True))
    if not (text or _BOX.search(value) or _CHOICE.search(value)):
        return None
    return re.sub(r"[^\t]", "", value)


def line_edits(line: str, start: int, options: tuple[str, ...] = ()) -> list[tuple[EditKind, str, str]]:
    """Every edit of one line whose value begins at `start` (the label before it is kept):
    (kind, the edited line, a description). `options`: the item's options when the line is a choice
    (else the ones the line prints after 「<選択肢>」)."""
    prefix, value = line[:start], line[start:]
    out: list[tuple[EditKind, str, str]] = []
    for edited, what in _ticks(value):
        out.append((EditKind.TICK, prefix + edited, what))
    for edited, what in _choices(value, options or listed_options(value)):
        out.append((EditKind.CHOICE, prefix + edited, what))
    out.append(
        (EditKind.APPEND, prefix + _append(value) if value.strip() else _append_empty(line, start), "+" + SENTENCE)
    )
    changed = _change(value)
    if changed is not None:
        out.append((EditKind.CHANGE, prefix + changed[0], changed[1]))
    deleted = _delete(value)
    if deleted is not None:
        out.append((EditKind.DELETE, prefix + deleted, f"「{_visible(value)[:20]}」を削除"))
    return [(kind, edited, what) for kind, edited, what in out if edited != line]


def _append_empty(line: str, start: int) -> str:
    """A sentence typed where an empty value goes: the first empty cell after the label, or after the
    label itself when the line has no cell for it."""
    if start < len(line):
        return line[:start] + _append(line[start:])
    head = line.rstrip("\t")
    if head != line:
        return head + "\t" + SENTENCE + line[len(head) + 1 :]
    glue = "" if not line or line[-1] in " \u3000" else " "
    return line + glue + SENTENCE


# ---- which lines bear a value ------------------------------------------------------------------------

_PART = re.compile(
    r"^[\s\u3000]*(?:Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ|VI|IV|V|III|II|I)[\s\u3000]+[^\t]*$|^[\s\u3000]*[(（]別添[0-9０-９][)）][^\t]*$"
)
_TABLE = re.compile(r"^[\s\u3000]*[(（]?別添[2-3２３][)）]?[\s\u3000]*変更箇所")
_FORM_MARK = re.compile(r"\[\s*(?:令和|平成)[^\[\]]{1,8}様式\s*[0-9０-９]\s*\]")
_TITLE = "特定個人情報保護評価書"
_COVER_LABELS = frozenset(key(label) for label in COVER_LABELS)
_DATE = re.compile(r"^[\s\u3000]*(?:令和|平成)[^\t]{1,12}日[\s\u3000\t]*$")


def _layout(lines: list[str]) -> tuple[set[int], int]:
    """(the table of contents' lines, the line the 別添2 table starts on: its heading outside the table
    of contents, the last one; past the end when there is none)."""
    toc: set[int] = set()
    in_toc = False
    for number, line in enumerate(lines, start=1):
        if key(line) == "項目一覧":
            in_toc = True
        elif in_toc and line.strip() and not _PART.match(line) and not _TABLE.match(line):
            in_toc = False
        if in_toc:
            toc.add(number)
    table = next((n for n in range(len(lines), 0, -1) if n not in toc and _TABLE.match(lines[n - 1])), len(lines) + 1)
    return toc, table


def heuristic_lines(lines: list[str]) -> set[int]:
    """Every non-blank line that is no part heading, table-of-contents line, title, form-version mark,
    公表日 or line of the 別添2 table (from its heading, outside the table of contents, to the end)."""
    toc, table = _layout(lines)
    out = set()
    previous = ""
    for number, line in enumerate(lines[: table - 1], start=1):
        if not line.strip():
            continue
        published = key(previous) == "公表日" and _DATE.match(line)
        previous = line
        if number in toc or _PART.match(line) or _FORM_MARK.search(line) or published:
            continue
        if _TITLE in line and len(key(line)) <= 40:
            continue
        words = [w for w in (line.split("\t") if "\t" in line else line.split()) if w.strip()]
        if len(words) > 1 and all(key(w) in _COVER_LABELS for w in words):
            continue  # the cover's row of labels (評価書番号 ⇥ 評価書名): the form's own header
        out.add(number)
    return out


def _fallback_start(line: str) -> int:
    """Where the value of a line the readers do not know begins: a label or heading on its own (or the
    cover's row of labels) holds none (a sentence typed beside it goes after it); a cell row's second
    filled cell; else the line."""
    cells = line.split("\t")
    filled = [i for i, c in enumerate(cells) if c.strip()]
    if len(filled) == 1 and _LABEL_LIKE.match(cells[filled[0]]):
        end = len("\t".join(cells[: filled[0] + 1]))
        return end + 1 if end < len(line) else end  # the next cell, when the row has one
    if "\t" in line and len(filled) >= 2 and _LABEL_LIKE.match(cells[filled[0]]):
        return len("\t".join(cells[: filled[1]])) + 1
    if "\t" not in line and _LABEL_LIKE.match(line) and len(key(line)) <= 40:
        return len(line)
    return 0


@dataclass(frozen=True)
class Reading:
    """What the reader knows of a line: where its value begins, the item's options (a choice), and
    whether it is the cover's 公表日 (no change, RULES.md §3)."""

    start: int
    options: tuple[str, ...] = ()
    not_a_change: bool = False


def _entries(text: str, snapshot: Snapshot) -> Iterator[tuple[int, bool, list[str], tuple[str, ...], str]]:
    """(label line, whether the value starts on it, raw value lines, options, item label) of every item
    the reader found."""
    if is_generic(snapshot):
        reader = GenericReader(text)
        reader.parse()
        lines = text.split("\n")
        for item in reader.items:
            same = bool(item.raw) and bool(item.raw[0].strip()) and item.raw[0] in lines[item.line - 1]
            yield item.line, same, item.raw, (), item.path[-1]
        return
    for hit in parse(load_catalogue(), text).hits:
        options = hit.node.options if hit.node.kind is Kind.CHOICE else ()
        yield hit.line, hit.same_line, hit.raw, options, hit.node.label


def reader_lines(text: str, snapshot: Snapshot) -> dict[int, Reading]:
    """Each line the reader took an item's label or value from, with where the value begins in it."""
    lines = text.split("\n")
    out: dict[int, Reading] = {}
    for number, same_line, raw, options, label in _entries(text, snapshot):
        line = lines[number - 1]
        first = raw[0] if raw and same_line else ""
        if first and line.endswith(first):
            start = len(line) - len(first)
        elif first and first in line:
            start = line.find(first)
        else:  # the value is below the label (or empty): typed beside it, it goes in the next cell
            head = line.rstrip("\t")
            start = len(head) + 1 if head != line else len(line)
        skip = label in NOT_A_CHANGE
        known = out.get(number)
        if known is None or start < known.start:
            out[number] = Reading(start, options or (known.options if known else ()), skip)
        # the value's further lines, in order below the label's line
        at = number
        for more in raw[1:] if same_line else raw:
            if not more.strip():
                continue
            found = next((n for n in range(at + 1, len(lines) + 1) if lines[n - 1] == more), None)
            if found is None:
                continue
            at = found
            # a PDF dump's reader takes label fragments in as value lines: a label there holds none
            out.setdefault(found, Reading(_fallback_start(lines[found - 1]), (), skip))
    return out


def value_lines(text: str, snapshot: Snapshot) -> dict[int, Reading]:
    """The union of the reader's lines and the heuristic's, 公表日 and the 別添2 table left out."""
    lines = text.split("\n")
    known = reader_lines(text, snapshot)
    _, table = _layout(lines)
    out = {n: r for n, r in known.items() if not r.not_a_change and n < table}
    for number in heuristic_lines(lines):
        out.setdefault(number, Reading(_fallback_start(lines[number - 1])))
    skipped = {n for n, r in known.items() if r.not_a_change}
    return {n: out[n] for n in sorted(out) if n not in skipped}


def text_edits(text: str, snapshot: Snapshot) -> list[Edit]:
    """Every edit of every value-bearing line of a text document."""
    lines = text.split("\n")
    out: list[Edit] = []
    for number, reading in value_lines(text, snapshot).items():
        line = lines[number - 1]
        options = reading.options or _options_near(lines, number)
        for kind, edited, what in line_edits(line, reading.start, options):
            out.append(Edit(number, kind, line, edited, what))
    return out


def _options_near(lines: list[str], number: int) -> tuple[str, ...]:
    """A choice's option list printed on its own lines just below it (003 使用者数)."""
    below = []
    for line in lines[number : number + 6]:
        if not re.match(r"^\s*(?:<[^<>]*>\s*)*(?:[<＜]\s*選択肢|\d{1,2}\))", line):
            break
        below.append(line)
    return listed_options("<選択肢> " + " ".join(below)) if below else ()


def apply_text(text: str, edit: Edit) -> str:
    lines = text.split("\n")
    assert isinstance(edit.where, int) and lines[edit.where - 1] == edit.before
    lines[edit.where - 1] = edit.after
    return "\n".join(lines)


# ---- documents -----------------------------------------------------------------------------------


class Style(StrEnum):
    TEXT = "text"
    PDF_TEXT = "pdf text"  # the text the PDF reader makes of a PDF, edited and read as a text
    WORKBOOK = "workbook"  # a workbook `pia-diff export` writes, edited cell by cell


@dataclass
class Document:
    """One real document: its name, how it is edited, and the bytes `check` reads."""

    name: str
    source: str  # the repository file it comes from
    style: Style
    data: bytes
    _book: Any = field(default=None, repr=False)
    _edits: list[Edit] | None = field(default=None, repr=False)

    @property
    def file_name(self) -> str:
        return "new.xlsx" if self.style is Style.WORKBOOK else "new.txt"

    def old(self) -> Snapshot:
        return _parsed(self.data, self.file_name)

    def edits(self) -> list[Edit]:
        """Every edit of the document (computed once)."""
        if self._edits is None:
            if self.style is Style.WORKBOOK:
                self._edits = workbook_edits(self.data, self.old())
            else:
                self._edits = text_edits(self.data.decode("utf-8"), self.old())
        return list(self._edits)

    def edited(self, edit: Edit) -> bytes:
        if self.style is Style.WORKBOOK:
            return self._edited_book(edit)
        return apply_text(self.data.decode("utf-8"), edit).encode("utf-8")

    def _edited_book(self, edit: Edit) -> bytes:
        from openpyxl import load_workbook

        if self._book is None:
            self._book = load_workbook(io.BytesIO(self.data))
        assert isinstance(edit.where, str)
        sheet, cell = edit.where.rsplit("!", 1)
        target = self._book[sheet][cell]
        kept = target.value
        target.value = edit.after or None
        out = io.BytesIO()
        try:
            self._book.save(out)
        finally:
            target.value = kept
        return out.getvalue()


@cache
def _parsed(data: bytes, name: str) -> Snapshot:
    return parse_bytes(data, name)


def _pdf_text(path: Path) -> bytes:
    from pia_diff.ingest.pdf import pdf_text

    return pdf_text(path.read_bytes(), path.name)[0].encode("utf-8")


def _exported(path: Path) -> bytes:
    from pia_diff.compare.docform import form_context
    from pia_diff.report.export import export_bytes

    snapshot = parse_bytes(path.read_bytes(), path.name)
    return export_bytes(snapshot, form_context(snapshot)[0])


def _sources() -> list[tuple[str, Path, Style]]:
    seeds = sorted((ROOT / "tests" / "data" / "seeds").glob("0*.txt"))
    texts = [
        *seeds,
        ROOT / "samples" / "asahikawa" / "old.txt",
        ROOT / "samples" / "asahikawa" / "new.txt",
        *sorted((ROOT / "tests" / "data" / "forms").glob("*.txt")),
        *sorted((ROOT / "tests" / "cases").glob("*/new.txt")),
    ]
    out = [(_short(p), p, Style.TEXT) for p in texts]
    out += [(f"pdf:{p.stem}", p, Style.PDF_TEXT) for p in sorted((ROOT / "tests" / "data" / "pdf").glob("*.pdf"))]
    out += [(f"xlsx:{_short(p)}", p, Style.WORKBOOK) for p in seeds if p.name[:3] in WORKBOOK_SEEDS]
    return out


# the seeds exported to a workbook and edited cell by cell (a cell-text one and a PDF-dump one)
WORKBOOK_SEEDS = ("001", "003")


def _short(path: Path) -> str:
    if path.parent.name == "seeds":
        return f"seed{path.name[:3]}"
    if path.parent.parent.name == "cases":
        return f"case:{path.parent.name}"
    return f"{path.parent.name}:{path.stem}"


@cache
def _load(name: str) -> Document:
    for short, path, style in _sources():
        if short == name:
            if style is Style.PDF_TEXT:
                data = _pdf_text(path)
            elif style is Style.WORKBOOK:
                data = _exported(path)
            else:
                data = path.read_bytes()
            return Document(short, str(path.relative_to(ROOT)), style, data)
    raise KeyError(name)


def document_names(include_pdf: bool = True) -> list[str]:
    """Every real document, by short name; a file with the same bytes as an earlier one is left out
    (samples/asahikawa/new.txt is seed 003)."""
    seen: set[str] = set()
    out = []
    for short, path, style in _sources():
        if style is Style.PDF_TEXT and not include_pdf:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest() + style
        if digest in seen:
            continue
        seen.add(digest)
        out.append(short)
    return out


def document(name: str) -> Document:
    return _load(name)


# ---- workbooks ----------------------------------------------------------------------------------

_TABLE_SHEET = re.compile(r"別添[23]|変更箇所")


def workbook_edits(data: bytes, snapshot: Snapshot) -> list[Edit]:
    """Every edit of every value cell of an exported workbook: column B of each row whose column A holds
    a label (the form's item rows and headings), the 別添2 sheet aside."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))  # not read-only: merged cells are known (no one types in them)
    catalogue = load_catalogue()
    options: dict[str, tuple[str, ...]] = {}
    skip: set[str] = set()
    for path, item in snapshot.fields.items():
        node = catalogue.node_at(path)
        if isinstance(item.line, str) and node is not None and node.kind is Kind.CHOICE:
            options[item.line] = node.options
        if isinstance(item.line, str) and path[-1] in NOT_A_CHANGE:
            skip.add(item.line)
    out: list[Edit] = []
    for sheet in book.worksheets:
        if _TABLE_SHEET.search(sheet.title):
            continue
        merged = {cell for area in sheet.merged_cells.ranges for row in area.cells for cell in [row]}
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if (number, 2) in merged and (number, 2) not in {(a.min_row, a.min_col) for a in sheet.merged_cells.ranges}:
                continue  # B is part of a cell merged from A (a heading row): nothing to type there
            label = row[0] if row else None
            if number == 1 or label is None or f"{sheet.title}!{number}" in skip or _FORM_MARK.search(str(label)):
                continue  # the sheet's part title, an empty row, 公表日, the form-version mark
            value = "" if len(row) < 2 or row[1] is None else str(row[1])
            where = f"{sheet.title}!B{number}"
            choices = options.get(f"{sheet.title}!{number}", ())
            for kind, edited, what in line_edits(value, 0, choices):
                if kind is EditKind.TICK and choices and not _visible(_BOX.sub("", value)):
                    continue  # 「[]」: a choice left empty, no box to tick
                if kind is EditKind.APPEND and value.strip() and _visible(value) not in EMPTY_MARKS:
                    edited = value.rstrip() + "\n" + SENTENCE  # a cell's next line, as people type it
                out.append(Edit(where, kind, value, edited, what))
    return out


# ---- the gate, in process ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What `check OLD NEW` would do: its exit status (0 提出できます, 1 まだ提出できません, 2 refused
    as bad input) and message, with the comparison behind it (None when refused)."""

    exit: int
    message: str
    result: pipeline.Comparison | None = None


def gate(old: Snapshot, new_data: bytes, new_name: str) -> Verdict:
    """`check OLD NEW --date 2026-04-01` without a process: the same reading (`parse_bytes`), the same
    guard against two different assessments, `compare`, `release` and `release_text`
    (pia_diff/cli.py check). A test compares it with the real command."""
    try:
        new = parse_bytes(new_data, new_name)
        pipeline.same_assessment(old, new, new_name)
    except InputError as exc:
        return Verdict(2, exc.problem)
    result = pipeline.compare(old, new, DATE)
    decided = pipeline.release(result)
    return Verdict(0 if decided.may_file else 1, release_text(decided), result)


def sample(edits: Iterable[Edit], kind: EditKind, count: int, seed: str) -> list[Edit]:
    """A fixed, seeded choice of `count` edits of one kind (all of them when there are fewer)."""
    import random

    pool = [e for e in edits if e.kind is kind]
    if len(pool) <= count:
        return pool
    return random.Random(seed).sample(pool, count)


def run(doc: Document, edits: Iterable[Edit], on_miss: Callable[[Edit, Verdict], None] | None = None) -> dict[str, int]:
    """Gate every edit; counts of tried / caught (exit 1) / refused (exit 2) / missed (exit 0)."""
    old = doc.old()
    counts = {"tried": 0, "caught": 0, "refused": 0, "missed": 0}
    for edit in edits:
        verdict = gate(old, doc.edited(edit), doc.file_name)
        counts["tried"] += 1
        counts[{0: "missed", 1: "caught", 2: "refused"}[verdict.exit]] += 1
        if verdict.exit == 0 and on_miss is not None:
            on_miss(edit, verdict)
    return counts
