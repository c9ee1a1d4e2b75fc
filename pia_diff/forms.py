"""The form registry: every 様式 the tool knows (its catalogue, rule table, level, しきい値 items and
output titles) and the vocabulary all 評価書 print, loaded once from `data/forms.yaml`.

Adding a form or an edition is adding data here (and a catalogue or rule table), not code paths."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache, cached_property
from importlib import resources
from typing import Any

from .text import fold

FORMS_FILE = "forms.yaml"


def load_data(name: str) -> Any:
    """A packaged YAML data file, parsed once per version of it: kept as JSON in the user's cache folder,
    tied to the file's sha256 (datacache), parsed with libyaml when the cache does not hold it."""
    from .datacache import load_yaml

    return load_yaml(resources.files("pia_diff.data").joinpath(name).read_bytes(), name)


class Level(IntEnum):
    """The assessment a body must do (RULES.md §6), lightest first."""

    NONE = 0
    BASIC = 1  # 基礎項目評価
    FOCUSED = 2  # 基礎項目評価 + 重点項目評価
    FULL = 3  # 基礎項目評価 + 全項目評価


_LEVEL_KEYS = {"none": Level.NONE, "basic": Level.BASIC, "focused": Level.FOCUSED, "full": Level.FULL}


@dataclass(frozen=True)
class Marks:
    """What 別添2 cells write: an added or removed entity, shortened text, an empty value."""

    added: str
    removed: str
    omitted: str
    empty: str


@dataclass(frozen=True)
class Vocabulary:
    """The words every 評価書 prints whatever its form (see data/forms.yaml for each)."""

    title: str
    toc: str
    annex: str
    cover: str
    cover_labels: tuple[str, ...]
    cover_meta: dict[str, str]
    not_changes: frozenset[str]
    history_columns: tuple[str, ...]
    history_date_words: tuple[str, ...]
    history_timing_word: str
    history_title_tail: str
    history_closing: frozenset[str]
    history_number_words: tuple[str, ...]
    file_name_label: str
    history_elisions: tuple[str, ...]
    option_list: str
    count_word: str
    numerals: dict[str, str]
    star_exception: re.Pattern[str]
    star_exception_key: re.Pattern[str]
    marks: Marks
    empty_values: frozenset[str]
    checked_marks: str
    ticked_glyphs: str
    unticked_glyphs: str

    @cached_property
    def part_numerals(self) -> str:
        """The form's own part numerals in order (ⅠⅡⅢ…)."""
        return "".join(self.numerals.values())

    def is_empty(self, text: str) -> bool:
        """An empty cell, however it is written (「—」「－」「-」「空欄」…, issue 17 §7)."""
        stripped = "".join(text.split())
        return not stripped or stripped in self.empty_values or fold(stripped) in self.empty_values


@dataclass(frozen=True)
class ThresholdItems:
    """Where a form keeps the inputs of the しきい値判断 (RULES.md §6): each item as path words."""

    people: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    subject_floors: dict[str, str] = field(default_factory=dict)
    staff: tuple[str, ...] = ()
    contractors: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    handlers_500: frozenset[str] = frozenset()
    handlers_below_500: frozenset[str] = frozenset()
    incident_1_year: tuple[str, ...] = ()
    incident_3_years: tuple[str, ...] = ()
    incident_none: str = ""
    incident_yes: str = ""
    done: tuple[str, ...] = ()


def path_matches(path: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Each word appears, in order, in the path's segments (an exact path matches itself)."""
    return bool(words) and _matched(path, words) == len(words)


def _matched(path: tuple[str, ...], words: tuple[str, ...]) -> int:
    """How many of the words, in order, the path's segments hold, each word in the first segment after
    the last word's that holds it."""
    at = 0
    for done, word in enumerate(words):
        while at < len(path) and word not in path[at]:
            at += 1
        if at == len(path):
            return done
        at += 1
    return len(words)


def path_matcher(words: tuple[str, ...]) -> Callable[[tuple[str, ...]], bool]:
    """path_matches(·, words) for the many paths of one document: each parent's segments are read once
    (a document's items share their parents). Matching goes left to right, so a path matches when its
    parent holds every word, or every word but the last and its own last segment holds that one."""
    parents: dict[tuple[str, ...], int] = {}
    last = len(words) - 1

    def matches(path: tuple[str, ...]) -> bool:
        if not words or not path:
            return False
        parent = path[:-1]
        done = parents.get(parent)
        if done is None:
            done = parents[parent] = _matched(parent, words)
        return done > last or (done == last and words[last] in path[-1])

    return matches


@dataclass(frozen=True)
class Form:
    """One 様式: its name as titles print it, the level it stands for, its catalogue (None: read by the
    document's own structure), its rule table, its change table's title and its しきい値 items."""

    id: str  # 様式3
    name: str  # 重点項目評価書
    level: Level
    rules_file: str
    history_table: str  # (別添2) 変更箇所 — what the tool writes as the table's title
    catalogue_name: str | None = None
    threshold_items: ThresholdItems = ThresholdItems()

    @property
    def title(self) -> str:
        """The cover title: 特定個人情報保護評価書(重点項目評価書)."""
        return f"{registry().vocabulary.title}({self.name})"

    @property
    def history_sheet(self) -> str:
        """The change table's title without brackets, fit for a sheet name (別添2 変更箇所)."""
        return re.sub(r"^[(（]([^()（）]*)[)）]\s*", r"\1 ", self.history_table).strip()


@dataclass(frozen=True)
class Bands:
    """RULES.md §6: 対象人数 bands, smallest first, each with the level it requires without and with
    a trigger (取扱者数 ≥ 500 or a 重大事故 within 1 year)."""

    names: tuple[str, ...]
    levels: dict[str, tuple[Level, Level]]
    reassess_years: int


@dataclass(frozen=True)
class Registry:
    vocabulary: Vocabulary
    levels: dict[Level, str]
    bands: Bands
    forms: tuple[Form, ...]

    def form(self, form_id: str | None) -> Form | None:
        return next((f for f in self.forms if f.id == form_id), None)

    def named_in(self, title: str) -> Form | None:
        """The form a title names (特定個人情報保護評価書(全項目評価書) → 様式4)."""
        folded = fold(title)
        return next((f for f in self.forms if f.name in folded), None)

    def with_catalogue(self, name: str) -> Form | None:
        return next((f for f in self.forms if f.catalogue_name == name), None)

    @property
    def catalogues(self) -> tuple[str, ...]:
        return tuple(f.catalogue_name for f in self.forms if f.catalogue_name)

    @property
    def default(self) -> Form:
        """The form whose catalogue reads a document that names none (様式3)."""
        return next(f for f in self.forms if f.catalogue_name)


class FormDataError(ValueError):
    pass


def _words(raw: Any) -> tuple[str, ...]:
    return tuple(str(w) for w in raw or ())


def _threshold_items(raw: dict[str, Any]) -> ThresholdItems:
    known = set(ThresholdItems.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise FormDataError(f"{FORMS_FILE}: unknown threshold item(s) {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "subject_floors":
            values[key] = {str(k): str(v) for k, v in value.items()}
        elif key in ("handlers_500", "handlers_below_500"):
            values[key] = frozenset(str(v) for v in value)
        elif isinstance(value, str):
            values[key] = value
        else:
            values[key] = _words(value)
    return ThresholdItems(**values)


def parse_registry(data: dict[str, Any]) -> Registry:
    vocab = data["vocabulary"]
    marks = vocab["marks"]
    vocabulary = Vocabulary(
        title=vocab["title"],
        toc=vocab["toc"],
        annex=vocab["annex"],
        cover=vocab["cover"],
        cover_labels=_words(vocab["cover_labels"]),
        cover_meta={str(k): str(v) for k, v in vocab["cover_meta"].items()},
        not_changes=frozenset(_words(vocab["not_changes"])),
        history_columns=_words(vocab["history_columns"]),
        history_date_words=_words(vocab["history_date_words"]),
        history_timing_word=vocab["history_timing_word"],
        history_title_tail=vocab["history_title_tail"],
        history_closing=frozenset(_words(vocab["history_closing"])),
        history_number_words=_words(vocab["history_number_words"]),
        file_name_label=vocab["file_name_label"],
        history_elisions=_words(vocab["history_elisions"]),
        option_list=vocab["option_list"],
        count_word=vocab["count_word"],
        numerals={str(k): str(v) for k, v in vocab["numerals"].items()},
        star_exception=re.compile(vocab["star_exception"]),
        star_exception_key=re.compile(vocab["star_exception_key"]),
        marks=Marks(marks["added"], marks["removed"], marks["omitted"], marks["empty"]),
        empty_values=frozenset(_words(vocab["empty_values"])),
        checked_marks=vocab["checked_marks"],
        ticked_glyphs=vocab["ticked_glyphs"],
        unticked_glyphs=vocab["unticked_glyphs"],
    )
    if len(vocabulary.history_columns) != 6:
        raise FormDataError(f"{FORMS_FILE}: the 変更箇所 table has six columns")
    levels = {_LEVEL_KEYS[key]: str(text) for key, text in data["levels"].items()}
    bands_raw = data["thresholds"]
    bands = Bands(
        names=tuple(str(b["band"]) for b in bands_raw["bands"]),
        levels={str(b["band"]): (_LEVEL_KEYS[b["light"]], _LEVEL_KEYS[b["heavy"]]) for b in bands_raw["bands"]},
        reassess_years=int(bands_raw["reassess_years"]),
    )
    forms = tuple(
        Form(
            id=str(f["id"]),
            name=str(f["name"]),
            level=_LEVEL_KEYS[f["level"]],
            rules_file=str(f["rules"]),
            history_table=str(f["history_table"]),
            catalogue_name=str(f["catalogue"]) if f.get("catalogue") else None,
            threshold_items=_threshold_items(f.get("threshold_items") or {}),
        )
        for f in data["forms"]
    )
    if len({f.id for f in forms}) != len(forms) or not any(f.catalogue_name for f in forms):
        raise FormDataError(f"{FORMS_FILE}: form ids must be unique and one form needs a catalogue")
    return Registry(vocabulary, levels, bands, forms)


@cache
def registry() -> Registry:
    """The packaged registry, read once."""
    return parse_registry(load_data(FORMS_FILE))


def vocabulary() -> Vocabulary:
    return registry().vocabulary
