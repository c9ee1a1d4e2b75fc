"""Bytes of a text document to text: the encoding told apart by content, or refused by name."""

from __future__ import annotations

from pia_diff.errors import InputError

_BOMS = (
    # UTF-32's byte order marks begin like UTF-16's: they are tested first
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
# ISO-2022-JP switches to JIS X 0208 with one of these; its text is otherwise 7-bit.
_JIS_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(Q", b"\x1b$(O", b"\x1b$(D")
_ISO_2022 = ("iso2022_jp_2004", "iso2022_jp_ext", "iso2022_jp_2")
# JIS X 0213's EUC holds the circled numbers and Roman numerals of the NEC rows (eucJP-ms) too.
_EUC = ("euc_jis_2004", "euc_jp")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: its ASCII characters (tabs, line ends, digits) put NUL bytes on
    one side of each byte pair, and it decodes without control characters. Else it is binary."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    # characters such as U+3000 put a NUL on the other side too, but rarely
    if min(even, odd) * 8 > max(even, odd) or max(even, odd) < len(data) // 40:
        return None
    try:
        text = data.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return None
    return None if _controls(text) else text


def _utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 text without a BOM: every character's highest byte is NUL (Unicode ends at U+10FFFF)."""
    if len(data) % 4 or len(data) < 8:
        return None
    for high, encoding in ((data[3::4], "utf-32-le"), (data[0::4], "utf-32-be")):
        if high.count(0) == len(high):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if _controls(text) else text
    return None


def _controls(text: str) -> int:
    return sum(1 for c in text if c < " " and c not in "\t\n\r\f")


def _looks_like_euc(data: bytes) -> str | None:
    """EUC-JP text mostly decodes as CP932 too, into half-width katakana: when the CP932 reading is
    mostly those and the EUC-JP reading has none, the text is EUC-JP."""
    for codec in _EUC:
        try:
            euc = data.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    try:
        sjis = data.decode("cp932")
    except UnicodeDecodeError:
        return euc
    wide = sum(1 for c in sjis if not c.isascii())
    halfwidth_kana = sum(1 for c in sjis if "\uff61" <= c <= "\uff9f")
    if wide and halfwidth_kana * 2 > wide and not any("\uff61" <= c <= "\uff9f" for c in euc):
        return euc
    return None


def decode(data: bytes, name: str) -> str:
    """Bytes to text, told apart by content: UTF-8 (with or without BOM), UTF-16 and UTF-32 (with or
    without BOM), ISO-2022-JP, EUC-JP or Shift_JIS (CP932). Text that none of them reads is refused,
    naming the encoding it looked like."""
    if not data.strip():
        raise InputError(name, "ファイルが空です。")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"{label} として読めません。ファイルが壊れている可能性があります。") from exc
    if b"\x00" in data:
        text = _utf32_without_bom(data) or _utf16_without_bom(data)
        if text is not None:
            return text
        raise InputError(name, "バイナリファイルのようです (NUL 文字を含みます)。評価書のテキストを指定してください。")
    # before UTF-8: ISO-2022-JP is 7-bit, so it is valid UTF-8 too, escape characters and all
    if data.isascii() and any(escape in data for escape in _JIS_ESCAPES):
        for codec in _ISO_2022:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
        raise InputError(name, "ISO-2022-JP (JIS コード) として読めません。UTF-8 で保存し直してください。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    euc = _looks_like_euc(data)
    if euc is not None:
        return euc
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        pass
    raise InputError(
        name,
        "文字コードを判別できません (UTF-8、UTF-16、UTF-32、Shift_JIS、EUC-JP、ISO-2022-JP のいずれでもありません)。"
        "UTF-8 で保存し直してください。",
    )
