"""Hardened YAML for files people write by hand (the decisions file): no aliases, no duplicate keys,
no implicit timestamps, and errors as Japanese sentences with the line, column and a hint."""

from __future__ import annotations

from typing import Any

import yaml

from pia_diff.errors import InputError


class SafeLoader(yaml.SafeLoader):
    """Safe YAML without aliases (an alias bomb fails on its first `*`) and without implicit
    timestamps (dates stay text and are read by one strict rule below)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a decisions file", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # Last-wins duplicates would let `確認済み: false` be overridden two lines below unseen.
        seen: set[str] = set()
        for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key.value!r}", key.start_mark)
                seen.add(key.value)
        return super().construct_mapping(node, deep=deep)


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _hint(problem: str) -> str:
    if "another document" in problem:
        return "「---」で区切らず、1つの一覧にまとめてください。"
    if "duplicate key" in problem:
        return "同じキーが1つの判断に2度書かれています。1つにしてください。"
    if "alias" in problem:
        return "エイリアス (*名前) やアンカー (&名前) は使えません。各判断をそのまま書いてください。"
    if "tab" in problem or "'\\t'" in problem:
        return "字下げにはタブではなく空白を使ってください。"
    return (
        "字下げ、「:」の後の空白、引用符の対応を確かめてください。"
        '値に「: 」や「 #」が入るときは値を引用符 ("…") で囲みます。'
    )


def _parse(text: str) -> tuple[Any, list[int]]:
    """The YAML data, and the line (1-based) of each top-level list entry."""
    loader = SafeLoader(text)  # the reader already refuses control characters here
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        body = node
        if isinstance(node, yaml.MappingNode):  # {判断: [...]} form
            body = next((v for k, v in node.value if getattr(k, "value", None) in ("判断", "decisions")), node)
        lines = [n.start_mark.line + 1 for n in body.value] if isinstance(body, yaml.SequenceNode) else []
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


def load_yaml(text: str, source: str) -> tuple[Any, list[int]]:
    try:
        return _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"{mark.line + 1}行目 {mark.column + 1}文字目: " if mark else ""
        raise InputError(
            source, f"YAML として読めません ({at}{exc.problem or exc.context})。{_hint(str(exc))}"
        ) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError(
            source, f"YAML として読めません ({line}行目に使えない文字 U+{exc.character:04X} があります)。"
        ) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise InputError(source, f"YAML として読めません ({exc.__class__.__name__})。{_hint(str(exc))}") from exc
