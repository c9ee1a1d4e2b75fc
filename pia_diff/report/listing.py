"""Listings for people and programs: the `show` fields, an audit's rows and findings, a folder audit's summary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pia_diff.audit.findings import Severity
from pia_diff.audit.published import Audit
from pia_diff.catalogue import Catalogue
from pia_diff.model import Certainty, CheckboxSet, render
from pia_diff.snapshot import Snapshot, item_label
from pia_diff.text import display_width

from .cells import screen, shorten

if TYPE_CHECKING:
    from pia_diff.audit.batch import DocumentAudit, FolderTotals


def field_rows(snapshot: Snapshot, catalogue: Catalogue) -> list[dict[str, Any]]:
    """DESIGN.md `show` shape: 項目, item_path, 重要, 値, 確度 (plus 行 and 表示)."""
    rows = []
    for path, item in snapshot.fields.items():
        node = catalogue.node_at(path)
        value: Any = item.value
        if isinstance(value, CheckboxSet):
            value = list(value.checked())
        rows.append(
            {
                "項目": item_label(path, snapshot.files),
                "item_path": list(path),
                "重要": bool(node and node.star),
                "値": value,
                "確度": str(item.certainty),
                "行": item.line,
                "表示": render(item.value),
            }
        )
    return rows


def field_table(rows: list[dict[str, Any]], width: int = 160) -> str:
    from tabulate import tabulate

    label_width = max(30, width // 2 - 10)
    value_width = max(20, width - label_width - 20)
    body = [
        [
            shorten(r["項目"], label_width, keep_end=True),
            "※" if r["重要"] else "",
            shorten(r["表示"], value_width),
            Certainty(r["確度"]).word,
        ]
        for r in rows
    ]
    return str(tabulate(body, headers=["項目", "※", "値", "確度"], tablefmt="simple"))


def audit_table(result: Audit, width: int = 160) -> str:
    """An audit for the terminal: each published row with its verdict, then the findings."""
    from tabulate import tabulate

    item_width = max(30, width // 2)
    body = [
        [
            r.line,
            shorten(r.cells[0], 20),
            shorten(r.cells[1], item_width, keep_end=True),
            shorten(r.cells[4], 12),
            screen(r.judged or "?"),
            screen(r.verdict),
        ]
        for r in result.rows
    ]
    parts = [str(tabulate(body, headers=["行", "変更日", "項目", "提出時期", "判定", "結果"]))] if body else []
    for finding in result.findings:
        where = f" [{shorten(finding.項目, 50, keep_end=True)}]" if finding.項目 else ""
        parts.append(f"{Severity(finding.level).word}: {screen(finding.message)}{where}")
    errors = len(result.errors)
    parts.append(f"\n{len(result.rows)} 行を監査しました。要対応 {errors} 件。")
    return "\n".join(parts)


def folder_table(audits: list[DocumentAudit]) -> str:
    """A folder audit as one table: a line per document and the totals."""
    from tabulate import tabulate

    rows = [[screen(cell) if isinstance(cell, str) else cell for cell in row] for row in summary_rows(audits)]
    return str(tabulate(rows, headers=SUMMARY_HEADERS))


SUMMARY_HEADERS = ["文書", "状態", "行", "不整合", "特定不能", "要対応", "警告"]


def summary_rows(audits: list[DocumentAudit]) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in audits:
        counts = item.counts
        status = "読めません: " + (item.error or "") if item.result is None else "監査済み"
        rows.append([Path(item.file).name, status, *counts.values()])
    totals = [sum(int(r[i]) for r in rows) for i in range(2, 7)]  # type: ignore[call-overload]
    rows.append([f"合計 {len(audits)} 文書", f"読めない文書 {sum(a.result is None for a in audits)}", *totals])
    return rows


# The streamed table's columns: the file, the counts (right-aligned, this wide at least), the state last.
_COUNT_WIDTH = 6


def folder_table_lines(names: list[str], audited: Iterable[DocumentAudit], totals: FolderTotals) -> Iterator[str]:
    """A folder audit's table a line at a time, each document's line as soon as it is audited (no line
    waits for the folder to end): file names as wide as the longest (known before the audit starts),
    the counts in columns as wide as their headings, the state last (an unreadable document's reason
    is as long as it is). `totals` holds the sums by the time the documents are through."""
    first = display_width(f"合計 {len(names)} 文書")
    name_width = max([display_width(screen(Path(n).name)) for n in names] + [first, display_width("文書")])
    counts = SUMMARY_HEADERS[2:]
    widths = [max(_COUNT_WIDTH, display_width(h)) for h in counts]

    def line(name: str, numbers: list[str], state: str) -> str:
        cells = [name + " " * (name_width - display_width(name))]
        cells += [" " * (w - display_width(n)) + n for n, w in zip(numbers, widths, strict=True)]
        return "  ".join([*cells, state]).rstrip()

    yield line("文書", counts, "状態")
    yield line("-" * name_width, ["-" * w for w in widths], "-" * display_width("監査済み"))
    for item in audited:
        state = "読めません: " + (item.error or "") if item.result is None else "監査済み"
        yield line(screen(Path(item.file).name), [str(v) for v in item.counts.values()], screen(state))
    yield line(
        f"合計 {totals.documents} 文書", [str(v) for v in totals.counts.values()], f"読めない文書 {totals.unreadable}"
    )
