"""Generated hostile PDFs (issue 21): pages that cost without bound inside one page, and documents
the reader must refuse, each with the outcome the reader must give.

Most cases are one hostile page put before the six pages of the real fixture 003_asahikawa.pdf by an
incremental update (as an editing tool appends a page), so the case also shows that the pages after
the hostile one are still read. Files are built on first use and cached in the folder the caller
gives (a pytest cache folder); the 600 MB flate bomb and the 2400 x 2400 grid (13 MB) take a few
seconds each to pack, the rest well under one.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent / "data" / "pdf" / "003_asahikawa.pdf"
# Bump when a generator changes, so a cached file from an older generator is rebuilt.
VERSION = 5


class Outcome(StrEnum):
    READ = "read"  # read as if nothing were wrong
    REPORTED = "reported"  # read, with the hostile page named among what could not be read
    REFUSED = "refused"  # an InputError: exit 2


@dataclass(frozen=True)
class Case:
    name: str
    outcome: Outcome
    # for REPORTED: the page the report names; for REFUSED: a word the message must hold
    page: int = 0
    message: str = ""


# ---- writing PDF objects ---------------------------------------------------------------------------


class Objects:
    """Numbered PDF objects, written after a base file as an incremental update or as a whole file."""

    def __init__(self, first: int = 1) -> None:
        self.next = first
        self.bodies: dict[int, bytes] = {}

    def add(self, body: bytes) -> int:
        number = self.next
        self.next += 1
        self.bodies[number] = body
        return number

    def put(self, number: int, body: bytes) -> None:
        """A new version of an existing object (in an update) or one reserved with reserve()."""
        self.bodies[number] = body

    def reserve(self) -> int:
        return self.add(b"null")

    def stream(self, data: bytes, entries: bytes = b"", flate: bool = False, length: bytes | None = None) -> int:
        packed = zlib.compress(data) if flate else data
        return self.add(packed_stream(packed, entries, flate, length))

    def write(self, head: bytes, root: int, prev: int | None = None, size: int | None = None) -> bytes:
        """head (a base file, or just the header) followed by the objects, an xref and a trailer."""
        out = bytearray(head if head.endswith(b"\n") else head + b"\n")
        offsets = {}
        for number in sorted(self.bodies):
            offsets[number] = len(out)
            out += b"%d 0 obj\n" % number + self.bodies[number] + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n"
        if prev is None:
            out += b"0 1\n0000000000 65535 f \n"
        for number in sorted(offsets):
            out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
        total = max(size or 0, self.next)
        trailer = b"/Size %d /Root %d 0 R" % (total, root) + (b" /Prev %d" % prev if prev is not None else b"")
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def packed_stream(packed: bytes, entries: bytes = b"", flate: bool = False, length: bytes | None = None) -> bytes:
    length = length if length is not None else b"%d" % len(packed)
    head = b"<< /Length " + length + (b" /Filter /FlateDecode" if flate else b"") + b" " + entries + b" >>"
    return head + b"\nstream\n" + packed + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
MEDIA = b"[0 0 595 842]"


def text(lines: list[str], x: int = 72, top: int = 780, size: int = 10) -> bytes:
    body = b"BT /F1 %d Tf %d %d Td %d TL " % (size, x, top, size + 2)
    return body + b"".join(b"(" + line.encode("latin-1") + b") ' " for line in lines) + b"ET\n"


@dataclass(frozen=True)
class Base:
    """What an update needs to know of the base file: its bytes, the Pages object and its kids."""

    data: bytes
    pages: int
    tree: bytes  # the Pages object's dictionary
    kids: list[bytes]
    size: int
    root: int
    startxref: int

    @classmethod
    def read(cls, path: Path = BASE) -> Base:
        data = path.read_bytes()
        found = re.search(rb"\n(\d+) 0 obj\s*(<<\s*/Type\s*/Pages\b.*?>>)\s*endobj", data, re.S)
        assert found, "the base fixture's page tree is no longer where this generator looks for it"
        kids = re.findall(rb"\d+ 0 R", re.search(rb"/Kids\s*\[([^\]]*)\]", found.group(2)).group(1))
        size = int(re.findall(rb"/Size (\d+)", data)[-1])
        root = int(re.findall(rb"/Root (\d+) 0 R", data)[-1])
        startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
        return cls(data, int(found.group(1)), found.group(2), kids, size, root, startxref)

    def page_body(self, kid: bytes) -> bytes:
        number = int(kid.split()[0])
        found = re.search(rb"\n%d 0 obj\s*(<<.*?>>)\s*endobj" % number, self.data, re.S)
        assert found
        return found.group(1)

    def with_page_first(self, build: Callable[[Objects, int], int]) -> bytes:
        """The base document with one page put before its own; build(objects, pages) makes the page
        (its Parent is `pages`) and returns its object number."""
        objects = Objects(self.size)
        page = build(objects, self.pages)
        kids = b" ".join([b"%d 0 R" % page, *self.kids])
        tree = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [" + kids + b"]", self.tree)
        objects.put(self.pages, re.sub(rb"/Count\s*\d+", b"/Count %d" % (len(self.kids) + 1), tree))
        return objects.write(self.data, self.root, prev=self.startxref, size=self.size)

    def with_pages_changed(self, change: Callable[[bytes, Objects], bytes]) -> bytes:
        """The base document with every page object rewritten by change(body, objects), which may
        add objects of its own."""
        objects = Objects(self.size)
        for kid in self.kids:
            objects.put(int(kid.split()[0]), change(self.page_body(kid), objects))
        return objects.write(self.data, self.root, prev=self.startxref, size=self.size)


def page_with(objects: Objects, parent: int, content: bytes, xobjects: bytes = b"", flate: bool = True) -> int:
    stream = objects.stream(content, flate=flate)
    resources = b"<< /Font << /F1 %s >> /XObject << %s >> >>" % (FONT, xobjects)
    return objects.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Contents %d 0 R /Resources %s >>"
        % (parent, MEDIA, stream, resources)
    )


# ---- the families ------------------------------------------------------------------------------


def grid(cells: int) -> bytes:
    """A page ruled into cells × cells boxes, each stroked as a rectangle of its own (as a drawing
    tool exports a grid); coordinates in a scaled space, so that the numbers stay short."""

    def build(objects: Objects, parent: int) -> int:
        scale = b"q %.5f 0 0 %.5f 20 20 cm 0.1 w\n" % (555 / cells, 800 / cells)
        rows = (b"".join(b"%d %d 1 1 re S\n" % (x, y) for x in range(cells)) for y in range(cells))
        return page_with(objects, parent, text(["grid"]) + scale + b"".join(rows) + b"Q")

    return Base.read().with_page_first(build)


def nested_forms(depth: int = 21) -> bytes:
    """A form XObject drawn 2**depth times: each form draws the one below it twice."""

    def build(objects: Objects, parent: int) -> int:
        leaf = objects.stream(b"0 0 m 1 0 l S", b"/Type /XObject /Subtype /Form /BBox [0 0 10 10]")
        below = leaf
        for _ in range(depth):
            below = objects.stream(
                b"q /X Do Q q 1 0 0 1 0.01 0 cm /X Do Q",
                b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X %d 0 R >> >>" % below,
            )
        return page_with(objects, parent, text(["forms"]) + b"q 1 0 0 1 100 100 cm /X Do Q", b"/X %d 0 R" % below)

    return Base.read().with_page_first(build)


def serpentine(segments: int = 2_000_000) -> bytes:
    """One path of a great many short segments, back and forth down the page."""

    def build(objects: Objects, parent: int) -> int:
        steps = [b"50 800 m"]
        for i in range(segments):
            x = 550 if i % 2 == 0 else 50
            steps.append(b"%d %.4f l" % (x, 800 - i * (500 / segments)))
        return page_with(objects, parent, text(["serpentine"]) + b"\n".join(steps) + b" S")

    return Base.read().with_page_first(build)


def many_characters(pages: int = 300, per_page: int = 30_000) -> bytes:
    """pages pages of per_page characters each (lines of 100 letters): no assessment at all."""
    objects = Objects()
    root = objects.reserve()
    tree = objects.reserve()
    kids = []
    line = "ABCDEFGHIJ" * 10
    for _ in range(pages):
        body = (b"(" + line.encode() + b") '\n") * (per_page // len(line))
        content = b"BT /F1 2 Tf 10 835 Td 2.7 TL " + body + b"ET"
        kids.append(page_with(objects, tree, content))
    objects.put(root, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
    return objects.write(b"%PDF-1.7", root)


def self_length() -> bytes:
    """A page whose content stream's /Length is a reference to that stream itself."""

    def build(objects: Objects, parent: int) -> int:
        number = objects.next
        objects.add(packed_stream(text(["self length"]), length=b"%d 0 R" % number))
        resources = b"<< /Font << /F1 %s >> >>" % FONT
        return objects.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Contents %d 0 R /Resources %s >>"
            % (parent, MEDIA, number, resources)
        )

    return Base.read().with_page_first(build)


def flate_bomb(megabytes: int = 600) -> bytes:
    """A form XObject whose stream unpacks to megabytes MB of blanks (about 1 MB packed per 1 GB)."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()

    def build(objects: Objects, parent: int) -> int:
        form = objects.add(packed_stream(packed, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10]", flate=True))
        return page_with(objects, parent, text(["bomb"]) + b"/B Do", b"/B %d 0 R" % form)

    return Base.read().with_page_first(build)


def rotated(degrees: int = 90) -> bytes:
    """Every page of the base document turned by /Rotate (a viewer shows it on its side)."""
    return Base.read().with_pages_changed(lambda body, _: body[:-2] + b"/Rotate %d>>" % degrees)


def turned() -> bytes:
    """Every page stored on its side, as some printers write landscape output: the content drawn
    turned a quarter (its text runs up the stored page) on a page box of swapped sides, and
    /Rotate 90 so that a viewer shows it upright."""

    def change(body: bytes, objects: Objects) -> bytes:
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", body)
        contents = re.search(rb"/Contents (\d+ 0 R)", body)
        assert box and contents
        width, height = box.group(1), box.group(2)
        before = objects.stream(b"q 0 1 -1 0 " + height + b" 0 cm\n")
        after = objects.stream(b"\nQ")
        body = body.replace(box.group(0), b"/MediaBox[0 0 " + height + b" " + width + b"]")
        turn = b"/Contents [%d 0 R %s %d 0 R]" % (before, contents.group(1), after)
        return body.replace(contents.group(0), turn)[:-2] + b"/Rotate 90>>"

    return Base.read().with_pages_changed(change)


def encrypted() -> bytes:
    """A password-protected document (Standard security handler, a user password is needed)."""
    objects = Objects()
    root = objects.reserve()
    tree = objects.reserve()
    page = page_with(objects, tree, text(["secret"]), flate=False)
    objects.put(root, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    objects.put(tree, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    crypt = objects.add(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >>")
    data = objects.write(b"%PDF-1.4", root)
    ident = b"<0123456789abcdef0123456789abcdef>"
    return data.replace(b" >>\nstartxref", b" /Encrypt %d 0 R /ID [%s %s] >>\nstartxref" % (crypt, ident, ident))


def truncated() -> bytes:
    data = BASE.read_bytes()
    return data[: len(data) // 2]


# name → (generator, expected outcome)
FAMILIES: dict[str, tuple[Callable[[], bytes], Case]] = {
    "grid 200": (lambda: grid(200), Case("grid 200", Outcome.REPORTED, page=1)),
    "grid 600": (lambda: grid(600), Case("grid 600", Outcome.REPORTED, page=1)),
    "grid 2400": (lambda: grid(2400), Case("grid 2400", Outcome.REPORTED, page=1)),
    "forms 2^21": (nested_forms, Case("forms 2^21", Outcome.REPORTED, page=1)),
    "serpentine": (serpentine, Case("serpentine", Outcome.REPORTED, page=1)),
    "300 pages of 30000 characters": (
        many_characters,
        Case("300 pages of 30000 characters", Outcome.REFUSED, message="文字が多すぎます"),
    ),
    "length refers to itself": (self_length, Case("length refers to itself", Outcome.READ)),
    "600 MB flate bomb in a form": (flate_bomb, Case("600 MB flate bomb in a form", Outcome.REPORTED, page=1)),
    "rotate 90": (rotated, Case("rotate 90", Outcome.READ)),
    "stored turned, rotate 90": (turned, Case("stored turned, rotate 90", Outcome.READ)),
    "encrypted": (encrypted, Case("encrypted", Outcome.REFUSED, message="パスワード")),
    "truncated": (truncated, Case("truncated", Outcome.REFUSED, message="途中で切れています")),
}


def build(name: str, folder: Path) -> Path:
    """The case's file, made on first use and kept in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_")
    path = folder / f"v{VERSION}_{slug}.pdf"
    if not path.exists():
        data = FAMILIES[name][0]()
        part = path.with_suffix(".part")
        part.write_bytes(data)
        part.replace(path)
    return path
