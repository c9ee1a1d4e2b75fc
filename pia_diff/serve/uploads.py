"""A posted form read into memory, within limits: the whole request, each file, each text field.

Nothing is written to disk (Starlette's own parser spools files over 1 MB to a temporary file), the
request cap is enforced while the body arrives (a declared Content-Length over it is refused before
a byte is read), and a file over its limit is counted to the end of its part but not kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from pia_diff.compare.decisions import MAX_BYTES as DECISIONS_MAX_BYTES
from pia_diff.errors import InputError
from pia_diff.ingest.read import MAX_BYTES as DOCUMENT_MAX_BYTES

# The largest form a person can send: two documents, a decisions file, and room for the rest.
REQUEST_LIMIT = 2 * DOCUMENT_MAX_BYTES + DECISIONS_MAX_BYTES + 1024 * 1024
# A text field: the page's own hidden state (a decisions file in base64) is the largest.
FIELD_LIMIT = 2 * DECISIONS_MAX_BYTES
MAX_PARTS = 5_000
# Per file field, its limit and what the CLI calls it in its message («…のファイルか確かめてください»).
FILE_LIMITS = {
    "old": (DOCUMENT_MAX_BYTES, "評価書"),
    "new": (DOCUMENT_MAX_BYTES, "評価書"),
    "doc": (DOCUMENT_MAX_BYTES, "評価書"),
    "against": (DOCUMENT_MAX_BYTES, "評価書"),
    "decisions_file": (DECISIONS_MAX_BYTES, "判断"),
}
FORM_SOURCE = "送信されたフォーム"


class TooLarge(Exception):
    """The request is over REQUEST_LIMIT; `size` is its declared length, or None when it was cut off."""

    def __init__(self, size: int | None) -> None:
        self.size = size
        super().__init__(size)

    @property
    def problem(self) -> str:
        told = f"{self.size:,} バイト、" if self.size is not None else ""
        return (
            f"送信されたデータが大きすぎます ({told}上限 {REQUEST_LIMIT:,} バイト)。"
            f"評価書は 1 つ {DOCUMENT_MAX_BYTES:,} バイトまでです。"
        )


@dataclass(frozen=True)
class Upload:
    """A file as sent: the name the browser gave (shown to the user, never used as a path) and its bytes."""

    name: str
    data: bytes


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)  # a file input left empty is not here
    # file fields over their limit: (the name sent, the size counted, the limit, what it is)
    too_big: list[tuple[str, int, int, str]] = field(default_factory=list)

    def text(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def refuse_oversized(self) -> None:
        """The CLI's message for a file over its limit, naming the file (read.read_input's wording)."""
        for name, size, limit, what in self.too_big:
            raise InputError(
                name,
                f"ファイルが大きすぎます ({size:,} バイト、上限 {limit:,} バイト)。{what}のファイルか確かめてください。",
            )


def base_name(sent: str) -> str:
    """The last part of a file name as a browser sends it (old browsers send C:\\…\\name.pdf)."""
    name = sent.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "(名前のないファイル)"


class _Collector:
    """python-multipart callbacks that keep fields and files in memory, each within its limit."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._reset()

    def _reset(self) -> None:
        self.name: str | None = None
        self.filename: str | None = None
        self.buffer = bytearray()
        self.size = 0
        self.limit = FIELD_LIMIT

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise InputError(FORM_SOURCE, f"フォームの項目が多すぎます ({MAX_PARTS:,} まで)。")
        self._disposition = b""
        self._reset()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self.filename = base_name(options[b"filename"].decode("utf-8", "replace"))
            # an unexpected file field is read past and not kept
            self.limit = FILE_LIMITS.get(self.name, (0, ""))[0]

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size <= self.limit:
            self.buffer += data[start:end]
        elif self.filename is None:
            raise InputError(FORM_SOURCE, f"フォームの項目「{self.name}」が長すぎます ({FIELD_LIMIT:,} バイトまで)。")
        else:
            self.buffer = bytearray()  # over its limit: counted to the end of the part, not kept

    def on_part_end(self) -> None:
        if not self.name:
            return
        if self.filename is None:
            self.form.fields[self.name] = bytes(self.buffer).decode("utf-8", "replace")
        elif self.name in FILE_LIMITS and self.size > self.limit:
            self.form.too_big.append((self.filename, self.size, self.limit, FILE_LIMITS[self.name][1]))
        elif self.name in FILE_LIMITS and self.size:  # an input left empty sends a nameless empty part
            self.form.files[self.name] = Upload(self.filename, bytes(self.buffer))
        self._reset()


async def read_form(headers: Mapping[str, str], chunks: AsyncIterator[bytes]) -> Form:
    """The multipart form of a request (headers with lower-case names) read from its body chunks.
    TooLarge past REQUEST_LIMIT (before reading, when the length is declared); InputError when the
    body is not a well-formed multipart form."""
    declared = headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > REQUEST_LIMIT:
        raise TooLarge(int(declared))
    kind, options = parse_options_header(headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InputError(FORM_SOURCE, "フォームの送り方が正しくありません (multipart/form-data で送ってください)。")
    form = Form()
    collector = _Collector(form)
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": collector.on_part_begin,
                "on_part_data": collector.on_part_data,
                "on_part_end": collector.on_part_end,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_headers_finished": collector.on_headers_finished,
            },
        )
        received = 0
        async for chunk in chunks:
            received += len(chunk)
            if received > REQUEST_LIMIT:
                raise TooLarge(None)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise InputError(FORM_SOURCE, "フォームのデータが壊れています。もう一度送ってください。") from exc
    return form
