"""The packaged data's cache (issue 20): used only for the very bytes it was made from, passed over when it
cannot be read or written, never the reason a run fails."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import pytest
import yaml

from pia_diff import datacache
from pia_diff.datacache import cache_folder, load_yaml

DATA = sorted(p.name for p in resources.files("pia_diff.data").iterdir() if p.name.endswith(".yaml"))
RAW = b"name: form\nitems: [1, 2, {a: b}]\n"


def refuse_to_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: bytes) -> object:
        raise AssertionError("parsed although the cache holds this version")

    monkeypatch.setattr(datacache, "parse_yaml", refuse)


def test_the_package_has_data_files() -> None:
    assert {"forms.yaml", "form3_r6_10.yaml", "messages.yaml"} <= set(DATA)


@pytest.mark.parametrize("name", DATA)
def test_every_data_file_reads_the_same_from_its_cache(name: str, tmp_path: Path) -> None:
    raw = resources.files("pia_diff.data").joinpath(name).read_bytes()
    parsed = yaml.load(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    assert load_yaml(raw, name, tmp_path) == parsed  # parsed, then cached
    assert len(list(tmp_path.iterdir())) == 1
    assert load_yaml(raw, name, tmp_path) == parsed  # from the cache


def test_the_cache_is_used_for_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_yaml(RAW, "x.yaml", tmp_path)
    refuse_to_parse(monkeypatch)
    assert load_yaml(RAW, "x.yaml", tmp_path) == first == {"name": "form", "items": [1, 2, {"a": "b"}]}


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    load_yaml(RAW, "x.yaml", tmp_path)
    edited = RAW.replace(b"form", b"other")
    assert load_yaml(edited, "x.yaml", tmp_path)["name"] == "other"
    assert len(list(tmp_path.iterdir())) == 2  # one cache per version


def test_a_cache_that_claims_another_version_is_not_used(tmp_path: Path) -> None:
    """Even under the right name: the sha256 inside must be the file's."""
    load_yaml(RAW, "x.yaml", tmp_path)
    (cached,) = tmp_path.iterdir()
    payload = json.loads(cached.read_text(encoding="ascii"))
    payload["sha256"] = "0" * 64
    payload["data"] = {"name": "stale"}
    cached.write_text(json.dumps(payload), encoding="ascii")
    assert load_yaml(RAW, "x.yaml", tmp_path)["name"] == "form"


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", '{"format": 99}', "\udcff"])
def test_a_broken_cache_is_passed_over(content: str, tmp_path: Path) -> None:
    load_yaml(RAW, "x.yaml", tmp_path)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert load_yaml(RAW, "x.yaml", tmp_path)["name"] == "form"


@pytest.mark.parametrize(
    "raw", [b"1: integer key\n", b"day: 2026-01-15\n", b"on: yes\n"], ids=["int key", "date", "bool key"]
)
def test_data_json_cannot_give_back_is_not_cached(raw: bytes, tmp_path: Path) -> None:
    expected = yaml.safe_load(raw)
    assert load_yaml(raw, "x.yaml", tmp_path) == expected
    assert load_yaml(raw, "x.yaml", tmp_path) == expected
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert load_yaml(RAW, "x.yaml", blocker / "cache")["name"] == "form"


def test_no_temporary_file_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(source: str, target: str) -> None:
        raise OSError(13, "denied")

    monkeypatch.setattr(os, "replace", fail)
    assert load_yaml(RAW, "x.yaml", tmp_path)["name"] == "form"
    assert list(tmp_path.iterdir()) == []


def test_the_folder_by_platform() -> None:
    home = lambda: "/home/u"  # noqa: E731
    assert cache_folder({}, "linux", home) == Path("/home/u/.cache/pia-diff")
    assert cache_folder({"XDG_CACHE_HOME": "/x"}, "linux", home) == Path("/x/pia-diff")
    assert cache_folder({}, "darwin", home) == Path("/home/u/Library/Caches/pia-diff")
    assert cache_folder({"LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "win32", home) == Path(
        "C:/Users/u/AppData/Local", "pia-diff", "cache"
    )
    assert cache_folder({}, "win32", home) is None  # Windows without LOCALAPPDATA: no cache
    assert cache_folder({}, "linux", lambda: "~") is None  # no home folder known
    assert cache_folder({"PIA_DIFF_CACHE": "/elsewhere"}, "linux", home) == Path("/elsewhere")
    assert cache_folder({"PIA_DIFF_CACHE": "off"}, "linux", home) is None


def test_switched_off_it_parses_every_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIA_DIFF_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_yaml(RAW, "x.yaml")["name"] == "form"
    assert list(tmp_path.iterdir()) == []
