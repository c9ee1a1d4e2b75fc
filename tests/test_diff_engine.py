"""DeepDiff as the field-level engine (issue 19 §5): its report becomes our Change at once, with the
options of a checkbox set ticked and unticked; it is not even imported when nothing differs."""

from __future__ import annotations

import subprocess
import sys

from pia_diff.compare.diff import differences
from pia_diff.model import CheckboxSet

from .conftest import ROOT, seed
from .helpers import CAT, edited, sample

AUDIT = ("Ⅲ リスク対策", "8 監査", "実施の有無")


def test_ticked_and_unticked_options_come_from_the_set_report() -> None:
    before = CheckboxSet.of({"自己点検": True, "内部監査": True, "外部監査": False})
    # 外部監査 ticked, 内部監査 unticked, 自己点検 lost by the extract (no tick either way)
    after = CheckboxSet.of({"自己点検": None, "内部監査": False, "外部監査": True})
    found = differences(edited(sample(), AUDIT, before), edited(sample(), AUDIT, after), CAT)
    (change,) = found.changes
    assert (change.path, change.ticked, change.unticked) == (AUDIT, ("外部監査",), ("内部監査",))
    assert change.detail == "内部監査: [○]→[ ]、外部監査: [ ]→[○]"  # in the form's order


def test_a_text_change_and_an_unchanged_pair() -> None:
    path = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "①部署")
    found = differences(sample(), edited(sample(), path, "市民生活部国民年金課"), CAT)
    assert [(c.path, c.after) for c in found.changes] == [(path, "市民生活部国民年金課")]
    assert differences(sample(), sample(), CAT).changes == []


def test_deepdiff_is_imported_only_when_something_differs() -> None:
    code = (
        "import sys, datetime as dt; from pathlib import Path\n"
        "from pia_diff.pipeline import compare_files\n"
        f"p = Path({str(seed('003'))!r})\n"
        "compare_files(p, p, dt.date(2026, 1, 1))\n"
        "print('deepdiff' in sys.modules)\n"
    )
    same = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert same.stdout.strip() == "False"
    changed = code.replace(
        "compare_files(p, p,", f"compare_files(p, Path({str(ROOT / 'samples/asahikawa/old.txt')!r}),"
    )
    other = subprocess.run([sys.executable, "-c", changed], capture_output=True, text=True, cwd=ROOT, check=True)
    assert other.stdout.strip() == "True"
