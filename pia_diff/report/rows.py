"""Rendering rows for people and programs: terminal table, JSON, CSV (Excel lives in excel.py)."""

from __future__ import annotations

import csv
import io

from pia_diff.compare.classify import Row
from pia_diff.output import json_text
from pia_diff.snapshot import HISTORY_COLUMNS

from .cells import csv_safe, screen, shorten, shorten_pair


def rows_json(rows: list[Row]) -> str:
    return json_text([row.as_json() for row in rows])


def rows_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*HISTORY_COLUMNS, "※", "根拠", "提案", "確度"])
    for row in rows:
        data = row.as_json()
        cells = [str(data[c]) for c in HISTORY_COLUMNS]
        cells += ["※" if row.重要 else "", row.根拠, " / ".join(row.提案), str(row.確度)]
        writer.writerow([csv_safe(c) for c in cells])
    return "\ufeff" + out.getvalue()  # BOM: Excel then opens UTF-8 correctly


def rows_table(rows: list[Row], width: int = 160) -> str:
    from tabulate import tabulate

    if not rows:
        return "変更はありません。"
    item_width = max(24, width // 3)
    text_width = max(12, (width - item_width - 30) // 2)
    body = [
        [
            shorten(r.項目, item_width, keep_end=True),
            *shorten_pair(r.変更前の記載, r.変更後の記載, text_width),
            screen(r.提出時期) + ("※" if r.重要 else ""),
            screen(r.根拠) + ("?" if r.確度 != "ok" else ""),
        ]
        for r in rows
    ]
    table = tabulate(body, headers=["項目", "変更前", "変更後", "提出時期", "根拠"], tablefmt="simple")
    before = sum(r.提出時期 == "事前" for r in rows)
    summary = f"\n{len(rows)} 件の変更 (事前 {before} 件、事後 {len(rows) - before} 件)。"
    hints = [f"  提案: {shorten(r.項目, 40, keep_end=True)} — {screen(s)}" for r in rows for s in r.提案]
    unsure = sum(r.確度 != "ok" for r in rows)
    notes = (
        [f"確かに読み取れていない行が {unsure} 件あります (根拠の後ろに ? )。原本で確認してください。"]
        if unsure
        else []
    )
    return "\n".join([str(table), summary, *notes, *hints])
