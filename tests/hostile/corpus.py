"""Generated hostile inputs, by family: each a generator of one file and the outcome every command
must give (read / reported / refused: exit statuses, the words of the refusal, the diff rows expected).

Cases are generated lazily, one at a time, and cached on disk under a key made of this file's source
and the seed documents: a change to a generator makes new files, an unchanged corpus costs nothing.
Expected statuses: 2 for input the tool must refuse, {0, 1} for input that is odd but legitimate.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

COMMANDS = ("show", "import", "diff", "audit", "check", "export")
# By default a case runs with `show` (every reader) and `diff` (both documents, the comparison, the
# workbook written); the other commands read the same way and run with --run-slow.
QUICK = ("show", "diff")
LIGHT = ("show",)
SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
REFUSE = frozenset({2})
ACCEPT = frozenset({0, 1})
# The bound every run must stay under: memory the run adds (issue 21), in MiB.
MEMORY_BOUND = 512


@dataclass(frozen=True)
class Rows:
    """What `diff seed case` must report: how many rows (at most, at least) and a text every row holds."""

    at_least: int = 0
    at_most: int = 0
    every_row_has: str = ""


@dataclass(frozen=True)
class Spec:
    """One hostile input, not yet written: its family, how it is made and what every command must do."""

    family: str
    name: str
    make: Callable[[], bytes]
    expected: frozenset[int]
    message: str = ""  # a word the error message must contain (exit 2 only)
    # the commands it runs with by default; the rest of COMMANDS only with --run-slow
    commands: tuple[str, ...] = QUICK
    rows: Rows | None = None
    visible_only: bool = False  # no raw control character in any output

    @property
    def slow(self) -> tuple[str, ...]:
        return tuple(c for c in COMMANDS if c not in self.commands)


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expected: frozenset[int]
    message: str = ""
    commands: tuple[str, ...] = COMMANDS
    family: str = ""
    spec: Spec | None = field(default=None, compare=False)


DATE = "令和7年1月1日"


# The -o of each command that writes one: its extension chooses the format (.json, .xlsx).
OUTPUT_NAMES = {"import": "out.json", "export": "out.xlsx", "diff": "out.xlsx"}


def output_name(command: str) -> str:
    return OUTPUT_NAMES.get(command, "out.file")


def argv(command: str, doc: Path, out: Path, seed: Path) -> list[str]:
    """How each command is run on a case: diff and check against the seed, outputs to `out`."""
    return {
        "show": ["show", str(doc), "--format", "json"],
        "import": ["import", str(doc), "-o", str(out)],
        "diff": ["diff", str(seed), str(doc), "--date", DATE, "--format", "json", "-o", str(out)],
        "audit": ["audit", str(doc), "--format", "json"],
        "check": ["check", str(seed), str(doc), "--date", DATE],
        "export": ["export", str(doc), "-o", str(out)],
    }[command]


def seed_text() -> str:
    return next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")


def _sheet_zip(sheet_xml: str, shared: str | None = None, shared_part: str = "xl/sharedStrings.xml") -> bytes:
    """A minimal .xlsx package around one worksheet's XML (and its shared strings, under any part name)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + (
                f'<Override PartName="/{shared_part}" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared
                else ""
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = (
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
        )
        if shared:
            rels += (
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'sharedStrings" Target="/{shared_part}"/>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + rels
            + "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared:
            archive.writestr(shared_part, shared)
    return out.getvalue()


SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def rows_xlsx(rows: int) -> bytes:
    """A workbook of `rows` numbered rows, written as raw XML (openpyxl would take minutes)."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return _sheet_zip(f"{SHEET_HEAD}<sheetData>{body}</sheetData></worksheet>")


def shared_strings_xlsx(megabytes: int, part: str = "xl/sharedStrings.xml") -> bytes:
    """Few cells pointing at a huge shared-string table (random-ish text, so it does not compress away),
    stored under the given part name (openpyxl finds it through [Content_Types].xml)."""
    strings = [os.urandom(3000).hex() for _ in range(megabytes * 1024 * 1024 // 6000 + 1)]
    shared = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    sheet = f'{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return _sheet_zip(sheet, shared, part)


def stale_dimension_xlsx() -> bytes:
    """A sheet whose <dimension> says A1 although it holds cells down to C3."""
    cells = "".join(
        f'<row r="{r}"><c r="{c}{r}" t="inlineStr"><is><t>v{c}{r}</t></is></c></row>' for r, c in ((1, "A"), (3, "C"))
    )
    return _sheet_zip(f'{SHEET_HEAD}<dimension ref="A1"/><sheetData>{cells}</sheetData></worksheet>')


@functools.cache
def _snapshot(text: str) -> dict[str, object]:
    from pia_diff.ingest import parse_bytes

    data: dict[str, object] = json.loads(parse_bytes(text.encode("utf-8"), "seed-for-snapshot.txt").to_json())
    return data


def _first_leaf(tree: dict[str, object], want_dict: bool = False) -> dict[str, object]:
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in node.values():
            if isinstance(child, dict) and "certainty" in child:
                if not want_dict or isinstance(child["value"], dict):
                    return child
            elif isinstance(child, dict):
                stack.append(child)
    raise LookupError("no leaf")


def _mutated(how: str) -> str:
    data = json.loads(json.dumps(_snapshot(seed_text())))
    items = data["items"]
    if how == "history-string":
        data["history"] = "abc"
    elif how == "number-value":
        _first_leaf(items)["value"] = 12
    elif how == "checkbox-yes":
        leaf = _first_leaf(items, want_dict=True)
        leaf["value"][next(iter(leaf["value"]))] = "yes"
    elif how == "date-abc":
        data["meta"]["公表日"] = "abc"
    elif how == "no-items":
        data = {"meta": {}, "items": {}}
    elif how == "bad-certainty":
        _first_leaf(items)["certainty"] = "sure"
    elif how == "float-line":
        _first_leaf(items)["line"] = 1.5
    text = json.dumps(data, ensure_ascii=False)
    if how == "infinity":
        text = text.replace('"line": ', '"line": Infinity, "x": ', 1)
    if how == "nan-value":
        text = text.replace('"value": ', '"value": NaN, "y": ', 1)
    if how == "huge-exponent":
        text = text.replace('"line": ', '"line": 1e999, "z": ', 1)
    return text


def _hostile_dates() -> str:
    """Every 令和 date of the document (別添2, 公表日, 実施日) in turn overflowing, year 0, before 令和
    began; every 平成 year beyond the era."""
    bad_years = itertools.cycle(("3000000000", "0", "1"))
    return re.sub(r"令和\d+年", lambda _: f"令和{next(bad_years)}年", seed_text()).replace("平成", "平成99")


# The ※ item the text cases edit, and what they put in it.
STAR_ITEM = "③対象となる本人の範囲 ※\t"


def _in_star_item(addition: str) -> str:
    """The seed with text added to the start of a ※ item's value (a change the diff must report)."""
    text = seed_text()
    assert STAR_ITEM in text
    return text.replace(STAR_ITEM, STAR_ITEM + addition, 1)


# What Windows' and glibc's encoders write for characters a Japanese code page lacks ("best fit"),
# then "?" for what is left (the seed's 别, a simplified character, in its 別添2 table only).
_BEST_FIT = str.maketrans({"\u2014": "\u2015", "\uff5e": "\u301c", "\u2225": "\u2016"})


def _encoded(codec: str) -> bytes:
    return seed_text().translate(_BEST_FIT).encode(codec, errors="replace")


def _exported_seed() -> bytes:
    from pia_diff.catalogue import load_catalogue
    from pia_diff.ingest import parse_bytes
    from pia_diff.report.export import export_bytes

    return export_bytes(parse_bytes(seed_text().encode("utf-8"), "seed.txt"), load_catalogue())


def _workbook_with(values: dict[str, object], formula: tuple[str, str, str] | None = None) -> bytes:
    """The seed exported as a workbook (as `export` writes it), with the value cells of the given labels
    set to Python values as openpyxl writes them; `formula`: (label, formula, cached result or "")."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_exported_seed()))
    cells = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if isinstance(row[0].value, str) and len(row) > 1:
                cells.setdefault(row[0].value.replace("※", "").strip(), row[1])  # export marks ※ items
    for label, value in values.items():
        cell = cells[label]
        cell.value = value
        if isinstance(value, str) and value.startswith("#"):
            cell.data_type = "e"
    marker = None
    if formula is not None:
        marker = f"PIAFORMULA{len(formula[1])}"
        cells[formula[0]].value = f'=CONCATENATE("{marker}")'
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if formula is None or marker is None:
        return data
    # openpyxl writes <f> without a result; put the formula and a saved result in, as Excel would
    _label, text, cached = formula
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if marker.encode() in content:
                xml = content.decode("utf-8")
                start = xml.index("<f>")
                cell_start = xml.rindex("<c ", 0, start)
                end = xml.index("</c>", start)
                cell = xml[cell_start:end]
                head = cell[: cell.index(">") + 1].replace(' t="str"', "").replace("<c ", '<c t="str" ', 1)
                result = f"<v>{cached}</v>" if cached else ""
                xml = xml[:cell_start] + head + f"<f>{text}</f>{result}" + xml[end:]
                content = xml.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def _escaped_in_workbook() -> bytes:
    """A cell holding ESC and NEL as Open XML escapes them (_x001B_, as Excel writes them): openpyxl
    keeps the escape as text, so the cell reads as visible text, never the raw character."""
    data = _workbook_with({"②所属長の役職名": "PIAESCAPE"})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename).replace(b"PIAESCAPE", "国民年金_x001B_[31m課長_x0085_".encode())
            target.writestr(item, content)
    return out.getvalue()


_STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
)


def strict_ooxml(data: bytes) -> bytes:
    """A workbook as Excel's 'Strict Open XML Spreadsheet' names its namespaces."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            for transitional, strict in _STRICT:
                content = content.replace(transitional, strict)
            if item.filename == "xl/workbook.xml":
                content = content.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            target.writestr(item, content)
    return out.getvalue()


def _huge_styles() -> bytes:
    """A styles part of 12 MB (openpyxl reads it whole, like the shared strings)."""
    source = zipfile.ZipFile(io.BytesIO(_exported_seed()))
    filler = "".join(f"<numFmt numFmtId='{n}' formatCode='{os.urandom(40).hex()}'/>" for n in range(130_000))
    styles = source.read("xl/styles.xml").decode("utf-8").replace("<fonts", f"<numFmts>{filler}</numFmts><fonts", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = styles.encode() if item.filename == "xl/styles.xml" else source.read(item.filename)
            target.writestr(item, content)
    return out.getvalue()


def _utf8(text: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: text().encode("utf-8")


_SNAPSHOT_CASES = (
    # (how, light: its code path is covered by a sibling case)
    ("history-string", False),
    ("number-value", False),
    ("checkbox-yes", False),
    ("date-abc", False),
    ("no-items", False),
    ("bad-certainty", True),
    ("float-line", True),
    ("infinity", True),
    ("nan-value", True),
    ("huge-exponent", True),
)


def specs() -> list[Spec]:
    """Every generated case, by family, in a fixed order."""
    none = Rows(0, 0)
    out = [
        Spec("dates", "wareki overflow, year 0, outside era", _utf8(_hostile_dates), ACCEPT),
        Spec("dates", "実施日 near year 9999", _utf8(lambda: re.sub(r"令和\d+年", "令和7980年", seed_text())), ACCEPT),
    ]
    for how, light in _SNAPSHOT_CASES:
        out.append(
            Spec(
                "snapshot JSON",
                f"snapshot {how}",
                _utf8(functools.partial(_mutated, how)),
                REFUSE,
                "snapshot JSON",
                LIGHT if light else QUICK,
            )
        )
    deep = '{"meta":{},"items":' + '{"a":' * 100_000 + "1" + "}" * 100_001
    out += [
        Spec("snapshot JSON", "snapshot 100000 deep", lambda: deep.encode(), REFUSE, "深すぎ"),
        Spec(
            "snapshot JSON",
            "snapshot valid",
            _utf8(lambda: json.dumps(_snapshot(seed_text()), ensure_ascii=False)),
            ACCEPT,
            rows=none,
        ),
        Spec("snapshot JSON", "text starting with a brace", _utf8(lambda: "{別紙あり}\n" + seed_text()), ACCEPT),
        # encodings and binary: the same document in another encoding is the same document
        Spec("encodings", "utf-16-le without BOM", lambda: seed_text().encode("utf-16-le"), ACCEPT, rows=none),
        Spec("encodings", "utf-16-be without BOM", lambda: seed_text().encode("utf-16-be"), ACCEPT, commands=LIGHT),
        Spec("encodings", "shift_jis (CP932, best fit)", functools.partial(_encoded, "cp932"), ACCEPT, rows=none),
        Spec("encodings", "utf-32 with BOM", functools.partial(_encoded, "utf-32"), ACCEPT, rows=none),
        Spec("encodings", "utf-32-be without BOM", functools.partial(_encoded, "utf-32-be"), ACCEPT, rows=none),
        Spec("encodings", "iso-2022-jp", functools.partial(_encoded, "iso2022_jp_2004"), ACCEPT, rows=none),
        Spec("encodings", "euc-jp", functools.partial(_encoded, "euc_jis_2004"), ACCEPT, rows=none),
        Spec(
            "encodings",
            "utf-32 with BOM, broken",
            lambda: b"\xff\xfe\x00\x00" + seed_text().encode("utf-32-le")[:-4] + b"\x00\x00\x11\x00",
            REFUSE,
            "UTF-32",
            commands=LIGHT,
        ),
        Spec("encodings", "random binary with NUL", lambda: os.urandom(8192) + b"\x00", REFUSE, "バイナリ"),
        Spec("encodings", "empty", lambda: b"", REFUSE, "空"),
        # control characters: shown, never raw; a change where they differ
        Spec(
            "control characters",
            "ESC sequence in a ※ item",
            _utf8(lambda: _in_star_item("\x1b[2J\x1b]0;title\x07注意\x1b[31m赤")),
            ACCEPT,
            rows=Rows(1, 1, "赤"),
            visible_only=True,
        ),
        Spec(
            "control characters",
            "C1, DEL and separators in a ※ item",
            _utf8(lambda: _in_star_item("\x9b31m\x85\x7f\x1c\x1f\x0b末尾")),
            ACCEPT,
            rows=Rows(1, 1, "末尾"),
            visible_only=True,
        ),
        Spec(
            "control characters",
            "ESC in a workbook cell (_x001B_)",
            _escaped_in_workbook,
            ACCEPT,
            rows=Rows(1, 1, "_x001B_"),
            visible_only=True,
        ),
        # Excel cell types: read as Excel shows them, never a crash
        Spec(
            "Excel cell types",
            "time of day, date, duration, error, boolean, numbers",
            lambda: _workbook_with(
                {
                    "②所属長の役職名": dt.time(9, 30),
                    "③対象となる本人の範囲": dt.timedelta(hours=36, minutes=5),
                    "②法令上の根拠": "#N/A",
                    "①部署": True,
                    "公表日": dt.datetime(2025, 12, 26, 13, 5),
                    "評価書番号": 17.0,
                }
            ),
            ACCEPT,
        ),
        Spec(
            "Excel cell types",
            "formula whose saved result differs from what it computes",
            lambda: _workbook_with({}, ("②所属長の役職名", "1+1", "3")),
            ACCEPT,
        ),
        Spec(
            "Excel cell types",
            "formula without a saved result",
            lambda: _workbook_with({}, ("②所属長の役職名", "1+1", "")),
            ACCEPT,
        ),
        # workbook parts: every limit holds whatever the parts are named
        Spec(
            "workbook parts",
            "xlsx 1,000,000 rows",
            lambda: rows_xlsx(1_000_000),
            REFUSE,
            "行数",
            LIGHT,
        ),
        Spec(
            "workbook parts",
            "xlsx huge shared strings",
            lambda: shared_strings_xlsx(12),
            REFUSE,
            "共有文字列",
            LIGHT,
        ),
        Spec(
            "workbook parts",
            "shared strings under another part name",
            lambda: shared_strings_xlsx(12, "xl/strings/other.xml"),
            REFUSE,
            "共有文字列",
            LIGHT,
        ),
        Spec("workbook parts", "styles part of 12 MB", _huge_styles, REFUSE, "大きすぎます", LIGHT),
        Spec("workbook parts", "Strict Open XML", lambda: strict_ooxml(_exported_seed()), ACCEPT, rows=none),
        # text in angle brackets is text, and a change to it is a change
        Spec(
            "angle brackets",
            "a note and an e-mail address in <…> in a ※ item",
            _utf8(lambda: _in_star_item("<Note: 外国人住民を含む> 問合せ <name@city.example.jp> ")),
            ACCEPT,
            rows=Rows(1, 1, "<Note: 外国人住民を含む>"),
        ),
        # the parser's own worst cases (owned by the parser branch; kept here as a safety net)
        Spec(
            "parser", "parser 「[令和1年」×2000", _utf8(lambda: seed_text() + "\n" + "[令和1年" * 2000 + "\n"), ACCEPT
        ),
        Spec("parser", "parser 3 MB text", _utf8(lambda: seed_text() * 40), ACCEPT, LIGHT),
    ]
    return out


def source_key() -> str:
    """What the generated files depend on: this file and the seed documents."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for seed in sorted(SEEDS.glob("*.txt")):
        digest.update(seed.read_bytes())
    return digest.hexdigest()[:16]


def _slug(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:10] + "-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def materialise(spec: Spec, folder: Path) -> Case:
    """The case's file in folder, generated unless it is there already (written whole, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_slug(spec.name)}.in"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(spec.make())
        os.replace(partial, path)
    return Case(spec.name, path, spec.expected, spec.message, spec.commands, spec.family, spec)


def build(tmp: Path) -> list[Case]:
    """Write every hostile input into tmp; return the cases (the benchmark's entry point)."""
    return [materialise(spec, tmp) for spec in specs()]


def special_inputs(tmp: Path) -> list[Case]:
    """Paths that are not regular files: each must be refused without opening it for long."""
    tmp.mkdir(parents=True, exist_ok=True)
    fifo = tmp / "a-fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    dangling = tmp / "dangling-link"
    if not dangling.is_symlink():
        dangling.symlink_to(tmp / "nowhere")
    return [
        Case("/dev/zero", Path("/dev/zero"), REFUSE, "通常のファイルではありません"),
        Case("fifo", fifo, REFUSE, "FIFO"),
        Case("dangling link", dangling, REFUSE, "見つかりません"),
        Case("folder as a document", tmp, REFUSE, "フォルダ"),
    ]
