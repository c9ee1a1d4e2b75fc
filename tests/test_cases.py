"""Golden cases: tests/cases/<name>/ holds case.yaml (old, new, date, optional decisions) and a
hand-written expected.json.

case.yaml may also say:
- `form:` a catalogue name or generic (default: recognised from the document);
- `check: 0|1` the release gate's exit status on the pair (`pia-diff check OLD NEW --date DATE
  [--decisions FILE]`, run in process: pipeline.release + report.gate.release_text);
- `audit_absent: [code, ...]` finding codes the audit of NEW against OLD (what `check` runs) must not
  report, such as after-text-mismatch for a 別添2 row that says what the document says;
- `xfail: "<what fails>"` the case states what the tool must do and does not do yet: the test is
  expected to fail (strictly: once the tool does it, the mark must go).
A row of expected.json may carry `説明に含む`: text its 提出時期に係る説明 must contain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pia_diff.audit.published import audit
from pia_diff.compare.docform import for_audit, form_context
from pia_diff.pipeline import compare_files, release
from pia_diff.report.gate import release_text
from pia_diff.wareki import parse_date

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").exists())


def _case(name: str) -> dict[str, object]:
    case = yaml.safe_load((CASES / name / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(case, dict)
    return case


def _param(name: str) -> object:
    reason = _case(name).get("xfail")
    if reason:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=str(reason)))
    return name


def test_there_are_golden_cases() -> None:
    assert NAMES


def test_case_options_are_known() -> None:
    known = {"old", "new", "date", "decisions", "form", "damaged", "check", "audit_absent", "xfail"}
    for name in NAMES:
        case = _case(name)
        assert set(case) <= known, (name, set(case) - known)
        assert case.get("check", 0) in (0, 1), name


@pytest.mark.parametrize("name", [_param(n) for n in NAMES])
def test_case_reproduces_the_published_rows(name: str) -> None:
    folder = CASES / name
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["rows"]
    date = parse_date(case["date"])
    assert date is not None
    # optional `form:` a catalogue name or generic (default: recognised from the document)
    decisions = folder / case["decisions"] if "decisions" in case else None
    result = compare_files(folder / case["old"], folder / case["new"], date, decisions, form=case.get("form"))
    rows = result.rows
    # optional `gaps`: what could not be compared, each named by a part of its place (else none)
    wanted_gaps = json.loads((folder / "expected.json").read_text(encoding="utf-8")).get("gaps", [])
    assert len(result.gaps) == len(wanted_gaps), [g.message for g in result.gaps]
    for gap, where in zip(result.gaps, wanted_gaps, strict=True):
        assert where in gap.where, (gap.message, where)
    # same items, in the same order, with the same 提出時期
    assert len(rows) == len(expected), [r.項目 for r in rows]
    for row, want in zip(rows, expected, strict=True):
        assert row.項目.endswith(want["item"]), (row.項目, want)
        assert row.提出時期 == want["提出時期"], (row.項目, want)
        assert row.確度 == want.get("確度", "ok"), (row.項目, want)
        assert row.根拠 == want.get("根拠", row.根拠), (row.項目, want)
        assert row.判断の状態 == want.get("判断の状態"), (row.項目, want)
        for cell in ("変更前の記載", "変更後の記載"):
            if cell in want:  # optional: the concise cell a person would paste
                assert getattr(row, cell) == want[cell], (row.項目, cell)
        if "説明に含む" in want:
            assert want["説明に含む"] in row.提出時期に係る説明, (row.項目, row.提出時期に係る説明)
        assert row.変更日 == case["date"]
        if "根拠" in want:
            assert row.根拠 == want["根拠"], (row.項目, want)
    if "check" in case:  # the release gate on the pair, as `check` decides it
        decided = release(result)
        may_file, message = decided.may_file, release_text(decided)
        assert (0 if may_file else 1) == case["check"], message
    if "audit_absent" in case:
        catalogue, table, _ = form_context(result.old, result.new)
        report = audit(result.new, for_audit(catalogue), table, result.old)
        found = [(f.code, f.message) for f in report.findings if f.code in case["audit_absent"]]
        assert not found, found
