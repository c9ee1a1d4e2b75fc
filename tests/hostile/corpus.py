"""Generated hostile inputs: each a file on disk with the exit statuses every command must give.

Big inputs are built once per session (the caller passes a temporary folder). Expected statuses:
2 for input the tool must refuse, {0, 1} for input that is odd but legitimate.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pia_diff.ingest import read_document

LIGHT = ("show", "import")
SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
REFUSE = frozenset({2})
ACCEPT = frozenset({0, 1})


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expected: frozenset[int]
    message: str = ""  # a word the error message must contain (exit 2 only)
    # the commands to run it with: all, unless the same code path is already covered by another case
    commands: tuple[str, ...] = ("show", "import", "diff", "audit", "check", "export")


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


def _snapshot(text: str, tmp: Path) -> dict[str, object]:
    source = tmp / "seed-for-snapshot.txt"
    source.write_text(text, encoding="utf-8")
    data: dict[str, object] = json.loads(read_document(source).to_json())
    source.unlink()
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


def _mutated(base: dict[str, object], how: str) -> str:
    data = json.loads(json.dumps(base))
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


def build(tmp: Path) -> list[Case]:
    """Write every hostile input into tmp; return the cases."""
    tmp.mkdir(parents=True, exist_ok=True)
    text = seed_text()
    cases: list[Case] = []

    def add(name: str, data: bytes | str, expected: frozenset[int], message: str = "", light: bool = False) -> None:
        path = tmp / f"{len(cases):02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.in"
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(name, path, expected, message, LIGHT if light else Case.commands))

    # dates: every 令和 date of the document (別添2, 公表日, 実施日) in turn overflowing, year 0,
    # before 令和 began; every 平成 year beyond the era
    bad_years = itertools.cycle(("3000000000", "0", "1"))
    hostile_dates = re.sub(r"令和\d+年", lambda _: f"令和{next(bad_years)}年", text).replace("平成", "平成99")
    add("wareki overflow, year 0, outside era", hostile_dates, ACCEPT)
    add("実施日 near year 9999", re.sub(r"令和\d+年", "令和7980年", text), ACCEPT)
    # snapshot JSON
    base = _snapshot(text, tmp)
    for how in (
        "history-string",
        "number-value",
        "checkbox-yes",
        "date-abc",
        "no-items",
        "bad-certainty",
        "float-line",
        "infinity",
        "nan-value",
        "huge-exponent",
    ):
        light = how not in ("history-string", "number-value", "checkbox-yes", "date-abc", "no-items")
        add(f"snapshot {how}", _mutated(base, how), REFUSE, "snapshot JSON", light)
    add("snapshot 100000 deep", '{"meta":{},"items":' + '{"a":' * 100_000 + "1" + "}" * 100_001, REFUSE, "深すぎ")
    add("snapshot valid", json.dumps(base, ensure_ascii=False), ACCEPT)
    add("text starting with a brace", "{別紙あり}\n" + text, ACCEPT)
    # encodings and binary
    add("utf-16-le without BOM", text.encode("utf-16-le"), ACCEPT)
    add("utf-16-be without BOM", text.encode("utf-16-be"), ACCEPT, light=True)
    add("random binary with NUL", os.urandom(8192) + b"\x00", REFUSE, "バイナリ")
    add("empty", b"", REFUSE, "空")
    # workbooks
    add("xlsx 1,000,000 rows", rows_xlsx(1_000_000), REFUSE, "行数")
    add("xlsx huge shared strings", shared_strings_xlsx(12), REFUSE, "共有文字列")
    # the parser's own worst cases (owned by the parser branch; kept here as a safety net)
    add("parser 「[令和1年」×2000", text + "\n" + "[令和1年" * 2000 + "\n", ACCEPT)
    add("parser 3 MB text", text * 40, ACCEPT, light=True)
    return cases


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
