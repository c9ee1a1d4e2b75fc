"""How far the generic reader agrees with a catalogue reading of the same document (for tests and bench)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path as FsPath

import yaml

from pia_diff.catalogue import load_catalogue
from pia_diff.compare.diff import comparable
from pia_diff.ingest.generic import star_paths
from pia_diff.ingest.read import parse_bytes
from pia_diff.snapshot import Path
from pia_diff.values import Certainty
from pia_diff.wareki import parse_date


@dataclass
class Agreement:
    """Counts over the items the catalogue found (certainty not missing)."""

    items: int = 0
    found: int = 0
    extra: int = 0
    stars_same: int = 0
    values_same: int = 0
    missed: list[Path] = field(default_factory=list)
    star_mismatches: list[Path] = field(default_factory=list)
    value_mismatches: dict[Path, tuple[str, str]] = field(default_factory=dict)

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            self.items + other.items,
            self.found + other.found,
            self.extra + other.extra,
            self.stars_same + other.stars_same,
            self.values_same + other.values_same,
            self.missed + other.missed,
            self.star_mismatches + other.star_mismatches,
            {**self.value_mismatches, **other.value_mismatches},
        )

    @property
    def item_rate(self) -> float:
        return self.found / self.items if self.items else 1.0

    @property
    def star_rate(self) -> float:
        return self.stars_same / self.found if self.found else 1.0

    @property
    def value_rate(self) -> float:
        return self.values_same / self.found if self.found else 1.0

    def summary(self) -> str:
        return (
            f"items {self.found}/{self.items} ({self.item_rate:.1%}), "
            f"※ {self.stars_same}/{self.found} ({self.star_rate:.1%}), "
            f"values {self.values_same}/{self.found} ({self.value_rate:.1%}), "
            f"extra generic items {self.extra}"
        )


def document_agreement(data: bytes, name: str) -> Agreement:
    catalogue = load_catalogue()
    by_catalogue = parse_bytes(data, name)
    generic = parse_bytes(data, name, form="generic")
    stars = star_paths(generic)
    wanted = {p: f for p, f in by_catalogue.fields.items() if f.certainty is not Certainty.MISSING}
    result = Agreement(items=len(wanted), extra=len(set(generic.fields) - set(wanted)))
    for path, item in wanted.items():
        other = generic.fields.get(path)
        if other is None:
            result.missed.append(path)
            continue
        result.found += 1
        node = catalogue.node_at(path)
        if bool(node and node.star) == (path in stars):
            result.stars_same += 1
        else:
            result.star_mismatches.append(path)
        if comparable(item) == comparable(other):
            result.values_same += 1
        else:
            result.value_mismatches[path] = (str(comparable(item)), str(comparable(other)))
    return result


def case_agreement(cases: FsPath) -> dict[str, tuple[int, int]]:
    """Per case folder: rows equal (項目, 提出時期, 変更前/変更後) between catalogue and generic mode."""
    from pia_diff.pipeline import compare

    out: dict[str, tuple[int, int]] = {}
    for folder in sorted(p for p in cases.iterdir() if (p / "case.yaml").exists()):
        case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        if case.get("form"):
            continue  # a case on a form with no catalogue: nothing to compare against
        if case.get("damaged"):
            continue  # an extract damaged on purpose (a lost heading): the catalogue recovers, the document's own structure cannot
        date = parse_date(case["date"]) or dt.date.today()
        old_path, new_path = folder / case["old"], folder / case["new"]
        rows: dict[str, list[tuple[str, ...]]] = {}
        for mode in (None, "generic"):
            old = parse_bytes(old_path.read_bytes(), old_path.name, form=mode)
            new = parse_bytes(new_path.read_bytes(), new_path.name, form=mode)
            rows[str(mode)] = [
                (r.項目, str(r.提出時期), r.変更前の記載, r.変更後の記載) for r in compare(old, new, date).rows
            ]
        reference, generic = rows["None"], rows["generic"]
        same = sum(1 for row in reference if row in generic)
        out[folder.name] = (same, max(len(reference), len(generic)))
    return out
