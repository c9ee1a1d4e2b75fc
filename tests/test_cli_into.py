"""The loop closed through the command line, as a 担当者 works: export the published version, edit the
workbook in Excel (openpyxl here, by the label in column A), `diff --into` the new version's own
workbook, `check` the result; `check` says which rows are missing, and a new decisions template keeps
the decisions that still hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.compare.decisions import parse_decisions
from pia_diff.compare.rules import load_rules
from pia_diff.model import HISTORY_COLUMNS

from .conftest import ROOT

runner = CliRunner()
PUBLISHED = ROOT / "samples" / "asahikawa" / "new.txt"
DATE = "令和8年1月15日"
# 事後: not a ※ item (Ⅳ 開示請求、問合せ); 事前: ※ items of Ⅱ
ADDRESS = ("Ⅳ 開示請求、問合せ", "①請求先")
PURPOSE = ("Ⅱ ファイルの概要", "③使用目的")
SOURCES = ("Ⅱ ファイルの概要", "③対象となる本人の範囲")


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def edit(book: Path, where: tuple[str, str], change) -> None:  # type: ignore[no-untyped-def]
    """Change one item's value in its sheet, found by its label (printed with ※ where it has one)."""
    workbook = load_workbook(book)
    sheet, label = where
    cell = next(row[1] for row in workbook[sheet].iter_rows() if str(row[0].value).removesuffix(" ※") == label)
    cell.value = change(cell.value)
    workbook.save(book)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    book = tmp_path / "今回.xlsx"
    done = invoke("export", PUBLISHED, "-o", book)
    assert done.exit_code == 0, done.stderr
    return book


def test_a_revision_with_only_after_changes_passes_once_its_rows_are_in(tmp_path: Path, exported: Path) -> None:
    edit(exported, ADDRESS, lambda v: v.replace("総合庁舎3階", "総合庁舎4階"))
    before = invoke("check", PUBLISHED, exported, "--date", DATE)
    assert before.exit_code == 1 and "実際の変更に別添2の行がありません" in before.stdout
    # check says which row is missing and where it goes
    rows = json.loads(invoke("diff", PUBLISHED, exported, "--date", DATE, "--format", "json").stdout)
    assert [r["提出時期"] for r in rows] == ["事後"]
    placed = before.stdout.split("新しい版の別添2 に加える行 (1 件)")[1]
    for text in (rows[0]["項目"], "変更日: 令和8年1月15日", "提出時期: 事後", "総合庁舎3階", "総合庁舎4階"):
        assert text in placed
    as_json = json.loads(invoke("check", PUBLISHED, exported, "--date", DATE, "--format", "json").stdout)
    assert as_json["rows_to_add"] == [{**{c: rows[0][c] for c in HISTORY_COLUMNS}, "item_path": rows[0]["item_path"]}]

    original = exported.read_bytes()
    out = tmp_path / "提出版.xlsx"
    wrote = invoke("diff", PUBLISHED, exported, "--date", DATE, "--into", exported, "-o", out)
    assert wrote.exit_code == 0, wrote.stderr
    assert exported.read_bytes() == original  # the new version's own workbook is never touched
    after = invoke("check", PUBLISHED, out, "--date", DATE)
    assert after.exit_code == 0 and after.stdout.startswith("提出できます"), after.stdout
    assert "加える行" not in after.stdout
    history = load_workbook(out)["別添2 変更箇所"]
    last = [c.value for c in next(history.iter_rows(min_row=history.max_row))][:6]
    assert last[1:5] == [rows[0]["項目"], rows[0]["変更前の記載"], rows[0]["変更後の記載"], "事後"]


def _uncomment(template: str, item: str) -> str:
    """What a person does with a template entry: the 項目, 変更の指紋 and 確認済み lines uncommented."""
    out, inside = [], False
    for line in template.splitlines():
        if line.startswith("# - 項目:"):
            inside = item in line
        if inside and line.startswith(("# - 項目:", "#   変更の指紋:", "#   確認済み: true")):
            line = line[2:].split("  #")[0].rstrip()
        out.append(line)
    return "\n".join(out) + "\n"


def test_a_star_change_blocks_until_it_is_acknowledged(tmp_path: Path, exported: Path) -> None:
    edit(exported, PURPOSE, lambda v: v + ", 国民年金制度の広報")
    out = tmp_path / "提出版.xlsx"
    template = tmp_path / "判断.yaml"
    wrote = invoke(
        "diff", PUBLISHED, exported, "--date", DATE, "--into", exported, "-o", out, "--decisions-template", template
    )
    assert wrote.exit_code == 0, wrote.stderr
    blocked = invoke("check", PUBLISHED, out, "--date", DATE)
    assert blocked.exit_code == 1 and "③使用目的" in blocked.stdout and "加える行" not in blocked.stdout
    decisions = tmp_path / "確認済み.yaml"
    decisions.write_text(_uncomment(template.read_text(encoding="utf-8"), "③使用目的"), encoding="utf-8")
    passed = invoke("check", PUBLISHED, out, "--date", DATE, "--decisions", decisions)
    assert passed.exit_code == 0, passed.stdout


def _decisions(text: str) -> list[tuple[object, ...]]:
    found = parse_decisions(text, "x", load_rules().exemptions).entries
    return [(d.item, d.exemption, d.reason, d.effective, d.acknowledged, d.fingerprint, d.override) for d in found]


def test_a_new_template_keeps_the_decisions_that_still_hold(tmp_path: Path, exported: Path) -> None:
    edit(exported, PURPOSE, lambda v: v + ", 国民年金制度の広報")
    edit(exported, SOURCES, lambda v: v + " ・任意加入被保険者")
    rows = json.loads(invoke("diff", PUBLISHED, exported, "--date", DATE, "--format", "json").stdout)
    purpose = next(r for r in rows if r["項目"].endswith("③使用目的"))
    sources = next(r for r in rows if r["項目"].endswith("③対象となる本人の範囲"))
    existing = tmp_path / "判断.yaml"
    existing.write_text(
        "# 担当: 国民年金課\n"
        f"- 項目: {purpose['項目']}\n  変更の指紋: {purpose['変更の指紋']}\n  確認済み: true\n  メモ: 令和8年1月の課内決裁\n"
        f"- 項目: {sources['項目']}\n  確認済み: true\n"  # no fingerprint: unpinned
        "- 項目: Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ①事務の名称\n  施行日: '2027-04-01'\n",  # no change
        encoding="utf-8",
    )
    # a further edit: one more ※ change after the decisions were written
    edit(exported, ("Ⅱ ファイルの概要", "保管場所"), lambda v: v + "\n・媒体は暗号化して保管する。")
    merged = tmp_path / "新しい判断.yaml"
    done = invoke("diff", PUBLISHED, exported, "--date", DATE, "--decisions", existing, "--decisions-template", merged)
    assert done.exit_code == 0, done.stderr
    text = merged.read_text(encoding="utf-8")
    # the decision that judged this very change is kept as it was written (メモ too) and decides the same
    kept = _decisions(text)
    assert kept == [d for d in _decisions(existing.read_text(encoding="utf-8")) if d[0] == purpose["項目"]]
    assert "メモ: 令和8年1月の課内決裁" in text
    # the unpinned one and the one no change used are kept, commented out, with why
    assert "には変更の指紋がありません" in text and f"#   変更の指紋: {sources['変更の指紋']}" in text
    assert "①事務の名称" in text and "当たる変更がありません" in text
    # the new change gets a blank entry
    assert "保管場所" in text and text.count("# - 項目:") >= 2
    after = json.loads(
        invoke("diff", PUBLISHED, exported, "--date", DATE, "--decisions", merged, "--format", "json").stdout
    )
    states = {r["項目"]: r["判断の状態"] for r in after}
    assert states[purpose["項目"]] == "applied" and states[sources["項目"]] is None


def test_a_stale_decision_is_kept_commented_out_with_a_note(tmp_path: Path, exported: Path) -> None:
    edit(exported, PURPOSE, lambda v: v + ", 国民年金制度の広報")
    rows = json.loads(invoke("diff", PUBLISHED, exported, "--date", DATE, "--format", "json").stdout)
    purpose = next(r for r in rows if r["項目"].endswith("③使用目的"))
    existing = tmp_path / "判断.yaml"
    existing.write_text(
        f"- 項目: {purpose['項目']}\n  変更の指紋: {purpose['変更の指紋']}\n  確認済み: true\n", encoding="utf-8"
    )
    edit(exported, PURPOSE, lambda v: v + "、年金相談")  # the same item edited again: the decision is stale
    merged = tmp_path / "新しい判断.yaml"
    assert invoke("diff", PUBLISHED, exported, "--decisions", existing, "--decisions-template", merged).exit_code == 0
    text = merged.read_text(encoding="utf-8")
    assert _decisions(text) == []  # nothing stale applies
    assert "古い判断です (変更後の記載が、判断したときから変わっています)" in text
    old = [line for line in text.splitlines() if f"変更の指紋: {purpose['変更の指紋']}" in line]
    assert old and all(line.startswith("##") for line in old)  # the old decision, for reference only


def test_into_refuses_to_write_over_its_inputs(tmp_path: Path, exported: Path) -> None:
    edit(exported, ADDRESS, lambda v: v.replace("総合庁舎3階", "総合庁舎4階"))
    original = exported.read_bytes()
    for args, message in (
        (["-o", exported, "--force"], "入力ファイル"),
        (["-o", PUBLISHED, "--force"], "入力ファイル"),
        ([], "-o (.xlsx) で指定してください"),
    ):
        done = invoke("diff", PUBLISHED, exported, "--into", exported, *args)
        assert done.exit_code == 2 and message in done.stderr, done.stderr
    assert exported.read_bytes() == original
    text = tmp_path / "表.txt"
    text.write_text(PUBLISHED.read_text(encoding="utf-8"), encoding="utf-8")
    not_a_book = invoke("diff", PUBLISHED, exported, "--into", text, "-o", tmp_path / "out.xlsx")
    assert not_a_book.exit_code == 2 and "表.txt" in not_a_book.stderr and not (tmp_path / "out.xlsx").exists()


def test_into_says_what_it_did_not_add(tmp_path: Path, exported: Path) -> None:
    edit(exported, ADDRESS, lambda v: v.replace("総合庁舎3階", "総合庁舎4階"))
    once = tmp_path / "一度目.xlsx"
    first = invoke("diff", PUBLISHED, exported, "--date", DATE, "--into", exported, "-o", once)
    assert first.exit_code == 0
    assert f"({exported.name} の別添2 に新しい 1 行を書き加えた写し)" in first.stderr
    twice = invoke("diff", PUBLISHED, once, "--date", DATE, "--into", once, "-o", tmp_path / "二度目.xlsx")
    assert twice.exit_code == 0
    assert (
        "注意: 「Ⅳ 開示請求、問合せ 1 特定個人情報の開示・訂正・利用停止請求 ①請求先」の行は別添2 にもうあるため"
        in twice.stderr
    )
    # the closing line counts what was written, not the rows found
    assert f"({once.name} の写し。別添2 に書き加えた行はありません)" in twice.stderr
    assert "新しい 1 行を書き加えた" not in twice.stderr


def test_a_text_longer_than_a_cell_is_said_by_diff_and_export(tmp_path: Path) -> None:
    """A workbook cell holds at most 32,767 characters: a text document's longer value runs on over rows,
    and both commands say so after 注意: (Excel would cut it)."""
    text = PUBLISHED.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("①請求先\t"))
    long = tmp_path / "長い記載.txt"
    long.write_text(text.replace(line, line + "。" + "窓口の案内" * 8000), encoding="utf-8")  # 40,000 characters
    diffed = invoke("diff", PUBLISHED, long, "--full-text", "-o", tmp_path / "別添2.xlsx")
    assert diffed.exit_code == 0, diffed.stderr
    assert "注意: シート「別添2 変更箇所」" in diffed.stderr and "32,767 文字を超える" in diffed.stderr
    exported = invoke("export", long, "-o", tmp_path / "編集用.xlsx")
    assert exported.exit_code == 0 and "注意: シート「Ⅳ 開示請求、問合せ」" in exported.stderr


@pytest.mark.parametrize(
    ("into", "said"),
    [
        (PUBLISHED, "Excel ブック (.xlsx) ではありません。--into には新しい版の .xlsx を指定します。"),
        (Path("-"), "--into: 標準入力 (-) は使えません。"),
    ],
)
def test_into_a_document_that_is_no_workbook_is_said_plainly(tmp_path: Path, into: Path, said: str) -> None:
    out = tmp_path / "出力.xlsx"
    done = invoke("diff", PUBLISHED, PUBLISHED, "--date", DATE, "--into", into, "-o", out)
    assert done.exit_code == 2 and said in done.stderr
    assert "BadZipFile" not in done.stderr and not out.exists()


def test_check_gives_the_diff_that_writes_the_missing_rows_with_the_users_own_files(
    tmp_path: Path, exported: Path
) -> None:
    """The 担当者 copies the command check prints, runs it, and the revision passes."""
    import shlex

    edit(exported, ADDRESS, lambda v: v.replace("総合庁舎3階", "総合庁舎4階"))
    before = invoke("check", PUBLISHED, exported, "--date", DATE)
    assert before.exit_code == 1
    lines = before.stdout.splitlines()
    command = lines[lines.index("新しい版の別添2 に加える行 (1 件)。次のコマンドで書き加えられます:") + 1].strip()
    words = shlex.split(command)
    assert words[:4] == ["pia-diff", "diff", str(PUBLISHED), str(exported)]
    assert words[words.index("--into") + 1] == str(exported) and words[words.index("--date") + 1] == DATE
    wrote = invoke(*words[1:])
    assert wrote.exit_code == 0, wrote.stderr
    out = Path(words[words.index("-o") + 1])
    assert out.parent == exported.parent and out != exported
    assert invoke("check", PUBLISHED, out, "--date", DATE).exit_code == 0
