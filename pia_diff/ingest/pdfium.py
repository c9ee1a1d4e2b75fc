"""The only module that calls pdfium (pypdfium2): run as a child process, it reads a PDF from stdin
and writes each page's characters and ruling lines to stdout, one message a page, within budgets.

pdfium interprets a page natively and cannot be stopped half-way: a page of forms nested 2^21 times
or a flate bomb inside a form takes minutes and gigabytes before control comes back. So this runs
in its own process (`pdfchild` starts it), under a memory limit it sets on itself and a clock the
parent keeps. What it does in Python is bounded here: page objects (those inside form XObjects
included), path segments and characters are counted against budgets before they are walked.

Run as a script (the package does not import it), it needs nothing but the standard library and
pypdfium2, so the child starts in a few tens of milliseconds. Its arguments are its budgets and
what to write for a glyph without Unicode (JSON), and the first page to read. It writes messages, each marshalled (a page is tens of
thousands of numbers: JSON would cost more than reading them) after its length in 4 bytes:
  {"pages": n, "memory_limited": bool}               the document opened
  {"refused": "password" | "security" | "damaged"}   it did not
  {"page": i, "size": [w, h], "chars": [...], "edges": [...]}
      chars: [text ("unmapped": no Unicode), x0, x1, top, bottom, size], edges: [x0, top, x1, bottom]
      (horizontal or vertical), all in reading order: the page turned so that its text runs left
      to right, top measured down from the page's top edge
  {"page": i, "over": what, "count": n, "limit": n}  the page is over a budget and was not read
  {"stop": what, "page": i, "count": n, "limit": n}  the document is over a budget from page i on
  {"done": true}
"""

from __future__ import annotations

import ctypes
import json
import marshal
import math
import os
import sys
from collections import Counter
from math import isfinite
from typing import Any

# pdfium's error codes (fpdfview.h)
_REFUSALS = {4: "password", 5: "security"}
_PATH, _FORM = 2, 5
_MOVETO, _LINETO = 2, 0
# a segment this close to horizontal or vertical is a rule (coordinates come as 32-bit floats)
_FLAT = 1e-3
# what pdfium generates: spaces, line breaks, and hyphens it marks at line ends
_MAYBE_GENERATED = frozenset({0x20, 0x0D, 0x0A, 0x02, 0x2D})
# characters whose angle decides which way the page reads
_ANGLE_SAMPLE = 64


def limit_memory(limit: int) -> bool:
    """Cap this process's memory at limit bytes: an address-space limit where the OS has one
    (POSIX), a job object on Windows; False when neither could be set (the clock still bounds it)."""
    try:
        import resource
    except ImportError:
        resource = None  # type: ignore[assignment]
    if resource is not None:
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if soft == resource.RLIM_INFINITY or soft > limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            return True
        except (ValueError, OSError):
            return False
    if sys.platform == "win32":
        return _job_limit(limit)
    return False


def _job_limit(limit: int) -> bool:
    """Put this process into a Windows job object whose processes may commit at most limit bytes."""
    from ctypes import wintypes

    class IoCounters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_ulonglong) for name in ("r", "w", "o", "rb", "wb", "ob")]

    class Basic(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class Extended(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", Basic),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return False
    info = Extended()
    info.BasicLimitInformation.LimitFlags = 0x100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
    info.ProcessMemoryLimit = limit
    extended_limit_information = 9
    if not kernel32.SetInformationJobObject(job, extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)):
        return False
    return bool(kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess()))


def _library() -> Any:
    """The raw bindings: pypdfium2_raw is what pypdfium2.raw re-exports, without the helpers it imports."""
    try:
        import pypdfium2_raw as raw
    except ImportError:  # an older or repackaged pypdfium2
        import pypdfium2.raw as raw
    raw.FPDF_InitLibrary()
    return raw


class Frame:
    """Page coordinates (PDF user space, y up) to reading coordinates: the page turned by a quarter
    turns so that its text runs left to right, x from the left edge, top down from the top edge."""

    def __init__(self, box: tuple[float, float, float, float], quarter: int) -> None:
        self.left, self.bottom, self.right, self.top = box
        self.quarter = quarter % 4

    @property
    def size(self) -> tuple[float, float]:
        width, height = self.right - self.left, self.top - self.bottom
        return (width, height) if self.quarter % 2 == 0 else (height, width)

    def point(self, x: float, y: float) -> tuple[float, float]:
        q = self.quarter
        if q == 0:
            return x - self.left, self.top - y
        if q == 1:
            return y - self.bottom, x - self.left
        if q == 2:
            return self.right - x, y - self.bottom
        return self.top - y, self.right - x

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """A box (user space) as (x0, x1, top, bottom) in reading coordinates."""
        (ax, at), (bx, bt) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)


class Budget:
    """What one page and the whole document may cost; counts what has been spent."""

    def __init__(self, limits: dict[str, Any]) -> None:
        self.limits = limits
        self.spent: Counter[str] = Counter()

    def over(self, what: str, count: int) -> dict[str, Any] | None:
        """The page's budget of what (`page_<what>`) when count exceeds it, or None."""
        page_limit = self.limits.get(f"page_{what}")
        if page_limit is not None and count > page_limit:
            return {"over": what, "count": count, "limit": page_limit}
        return None

    def spend(self, what: str, count: int) -> dict[str, Any] | None:
        """Spend count of what for the document: the budget it exceeds, or None."""
        self.spent[what] += count
        limit = self.limits.get(what)
        if limit is not None and self.spent[what] > limit:
            return {"stop": what, "count": self.spent[what], "limit": limit}
        return None


class _Handle(ctypes.c_void_p):
    """A pdfium handle as a bare call returns it (a subclass, so that ctypes keeps it a pointer)."""


def _bare(function: Any, restype: Any) -> Any:
    """The C function behind a pypdfium2 binding, with its result type and no argument types: the
    calls made once an object, segment or character, where ctypes' checks cost as much as the call.
    Handles are passed as ctypes pointers, structures by reference."""
    bare = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    bare.restype = restype
    return bare


class Page:
    """One loaded page: its ruling lines from the path objects (inside form XObjects too) and its
    characters from pdfium's text page."""

    def __init__(self, raw: Any, page: Any, limits: dict[str, Any]) -> None:
        self.raw = raw
        self.page = page
        self.limits = limits
        self.matrix = raw.FS_MATRIX()
        self.get_matrix = _bare(raw.FPDFPageObj_GetMatrix, ctypes.c_int)

    def frame(self, text: Any, count: int) -> Frame:
        raw = self.raw
        box = raw.FS_RECTF()
        if not raw.FPDF_GetPageBoundingBox(self.page, box):
            box.left, box.bottom = 0.0, 0.0
            box.right, box.top = raw.FPDF_GetPageWidthF(self.page), raw.FPDF_GetPageHeightF(self.page)
        step = max(1, count // _ANGLE_SAMPLE)
        quarters: Counter[int] = Counter()
        for i in range(0, count, step):
            if not raw.FPDFText_IsGenerated(text, i):
                angle = raw.FPDFText_GetCharAngle(text, i)
                if angle >= 0:  # pdfium measures it clockwise; quarters count anticlockwise
                    quarters[-round(angle / (math.pi / 2)) % 4] += 1
        quarter = quarters.most_common(1)[0][0] if quarters else 0
        return Frame((box.left, box.bottom, box.right, box.top), quarter)

    def objects(self) -> tuple[list[tuple[Any, tuple[float, ...]]], int, dict[str, Any] | None]:
        """The page's path objects with the matrix from their space to the page's, walking into form
        XObjects, and how many objects there are in all; or what budget walking them would exceed."""
        raw = self.raw
        limit = self.limits["page_objects"]
        count = raw.FPDFPage_CountObjects(self.page)
        if count > limit:
            return [], count, {"over": "objects", "count": count, "limit": limit}
        page_object, form_object = _bare(raw.FPDFPage_GetObject, _Handle), _bare(raw.FPDFFormObj_GetObject, _Handle)
        kind_of, form_count = (
            _bare(raw.FPDFPageObj_GetType, ctypes.c_int),
            _bare(raw.FPDFFormObj_CountObjects, ctypes.c_int),
        )
        page = _Handle(ctypes.cast(self.page, ctypes.c_void_p).value)
        paths: list[tuple[Any, tuple[float, ...]]] = []
        seen = count
        # containers still to walk: (form object, or None for the page; its objects; matrix to the page; depth)
        pending: list[tuple[Any, int, tuple[float, ...], int]] = [(None, count, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)]
        while pending:
            container, total, outer, depth = pending.pop()
            for index in range(total):
                obj = page_object(page, index) if container is None else form_object(container, index)
                kind = kind_of(obj)
                if kind == _PATH:
                    paths.append((obj, _compose(outer, self._matrix(obj))))
                elif kind == _FORM:
                    inner = max(0, form_count(obj))
                    seen += inner
                    if seen > limit:
                        return [], seen, {"over": "objects", "count": seen, "limit": limit}
                    if depth + 1 > self.limits["form_depth"]:
                        return [], seen, {"over": "form_depth", "count": depth + 1, "limit": self.limits["form_depth"]}
                    pending.append((obj, inner, _compose(outer, self._matrix(obj)), depth + 1))
        return paths, seen, None

    def _matrix(self, obj: Any) -> tuple[float, ...]:
        m = self.matrix
        if not self.get_matrix(obj, ctypes.byref(m)):
            return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def edges(
        self, paths: list[tuple[Any, tuple[float, ...]]], frame: Frame
    ) -> tuple[list[list[float]], dict[str, Any] | None]:
        """Every straight horizontal or vertical stretch of every path, in reading coordinates.
        Curves and slanted lines are no rules; a closed subpath's closing stretch counts."""
        raw = self.raw
        count_segments, segment_at = (
            _bare(raw.FPDFPath_CountSegments, ctypes.c_int),
            _bare(raw.FPDFPath_GetPathSegment, _Handle),
        )
        point_of, kind_of = (
            _bare(raw.FPDFPathSegment_GetPoint, ctypes.c_int),
            _bare(raw.FPDFPathSegment_GetType, ctypes.c_int),
        )
        closes = _bare(raw.FPDFPathSegment_GetClose, ctypes.c_int)
        limit = self.limits["page_segments"]
        counts = [max(0, count_segments(obj)) for obj, _ in paths]
        if sum(counts) > limit:
            return [], {"over": "segments", "count": sum(counts), "limit": limit}
        out: list[list[float]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
        for (obj, (a, b, c, d, e, f)), count in zip(paths, counts, strict=True):
            start: tuple[float, float] | None = None
            last: tuple[float, float] | None = None
            for i in range(count):
                segment = segment_at(obj, i)
                point_of(segment, x_ref, y_ref)
                px, py = x.value, y.value
                here = frame.point(a * px + c * py + e, b * px + d * py + f)
                kind = kind_of(segment)
                if kind == _LINETO and last is not None:
                    _add_edge(out, last, here)
                elif kind == _MOVETO:
                    start = here
                last = here
                if closes(segment) and start is not None:
                    _add_edge(out, here, start)
                    last = start
        return out, None

    def chars(self, text: Any, count: int, frame: Frame) -> list[list[Any]]:
        raw = self.raw
        unmapped = self.limits["unmapped"]
        # the whole page's text in one call (one UTF-16 character a character of the page, or a
        # surrogate pair), then per character only what has no bulk call
        buffer = ctypes.create_string_buffer(2 * (count + 1))
        written = raw.FPDFText_GetText(text, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        codes = [ord(c) for c in buffer.raw[: 2 * max(0, written - 1)].decode("utf-16-le", "replace")]
        if len(codes) != count:
            codes = [raw.FPDFText_GetUnicode(text, i) for i in range(count)]
        box = raw.FS_RECTF()
        # the calls made once a character, without ctypes' argument checks (which cost as much as
        # the calls): the text page as a plain pointer, the box by reference
        loose, font_size = (
            _bare(raw.FPDFText_GetLooseCharBox, ctypes.c_int),
            _bare(raw.FPDFText_GetFontSize, ctypes.c_double),
        )
        map_error, generated = (
            _bare(raw.FPDFText_HasUnicodeMapError, ctypes.c_int),
            _bare(raw.FPDFText_IsGenerated, ctypes.c_int),
        )
        handle = ctypes.c_void_p(ctypes.cast(text, ctypes.c_void_p).value)
        box_ref = ctypes.byref(box)
        place = frame.box
        # the common case, an upright page, without a call per character
        left, top_edge = (frame.left, frame.top) if frame.quarter == 0 else (None, None)
        out: list[list[Any]] = []
        pending_space = False
        size, last_top, last_bottom = 0.0, math.nan, math.nan
        for i, code in enumerate(codes):
            if code in _MAYBE_GENERATED and generated(handle, i):
                # pdfium infers spaces and line breaks from gaps; the layout decides those, except a
                # printed space that pdfium put its own in place of (see _restore_space)
                pending_space = code == 0x20
                continue
            loose(handle, i, box_ref)
            if left is None:
                x0, x1, top, bottom = place(box.left, box.bottom, box.right, box.top)
            else:
                x0, x1, top, bottom = box.left - left, box.right - left, top_edge - box.top, top_edge - box.bottom
            if not isfinite(x0 + x1 + top + bottom):
                continue  # placed off any page by a degenerate matrix: not printed anywhere
            char = unmapped if map_error(handle, i) == 1 or not 0 < code < 0x110000 else chr(code)
            if box.top != last_top or box.bottom != last_bottom:
                # a character as tall as the one before, on its line, is in its font and size
                size, last_top, last_bottom = font_size(handle, i), box.top, box.bottom
            here = [char, x0, x1, top, bottom, size]
            if pending_space and out:
                _restore_space(out, here)
            pending_space = False
            out.append(here)
        return out


def _restore_space(out: list[list[Any]], here: list[Any]) -> None:
    """pdfium drops a printed space between two text runs and puts a space of its own (marked as
    generated) in its place; a space it generated where the gap is only a space wide, on the same
    line, was printed, and is put back with the gap as its box."""
    last = out[-1]
    size = last[5]
    gap = here[1] - last[2]
    if last[0] != " " and 0.1 * size < gap < 0.8 * size and abs(here[3] - last[3]) < 0.5 * size:
        out.append([" ", last[2], here[1], last[3], last[4], size])


def _compose(outer: tuple[float, ...], inner: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix that applies inner, then outer (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _add_edge(out: list[list[float]], p: tuple[float, float], q: tuple[float, float]) -> None:
    (x0, t0), (x1, t1) = p, q
    if not isfinite(x0 + t0 + x1 + t1):
        return  # a point a degenerate matrix sent off to infinity: no rule
    if abs(t0 - t1) <= _FLAT:
        out.append([min(x0, x1), t0, max(x0, x1), t0])
    elif abs(x0 - x1) <= _FLAT:
        out.append([x0, min(t0, t1), x0, max(t0, t1)])


def read_pages(data: bytes, limits: dict[str, Any], first: int, emit: Any) -> None:
    """Open the document and emit each page from `first` on (see the module's docstring)."""
    raw = _library()
    buffer = ctypes.create_string_buffer(data, len(data))
    doc = raw.FPDF_LoadMemDocument64(buffer, len(data), None)
    if not doc:
        emit({"refused": _REFUSALS.get(raw.FPDF_GetLastError(), "damaged")})
        return
    pages = raw.FPDF_GetPageCount(doc)
    emit({"pages": pages, "memory_limited": limits.get("memory_limited", False)})
    if pages > limits["pages"]:
        return
    budget = Budget(limits)
    budget.spent.update(limits.get("spent", {}))
    for number in range(first, pages):
        page = raw.FPDF_LoadPage(doc, number)
        if not page:
            emit({"page": number, "over": "damaged", "count": 0, "limit": 0})
            continue
        try:
            result = _read_page(raw, page, limits, budget)
        finally:
            raw.FPDF_ClosePage(page)
        emit({"page": number, **result, "spent": dict(budget.spent)})
        if "stop" in result:
            return
    emit({"done": True})


def _read_page(raw: Any, page: Any, limits: dict[str, Any], budget: Budget) -> dict[str, Any]:
    reader = Page(raw, page, limits)
    paths, seen, over = reader.objects()
    if over:
        return over
    stop = budget.spend("objects", seen)
    if stop:
        return stop
    text = raw.FPDFText_LoadPage(page)
    if not text:
        return {"over": "damaged", "count": 0, "limit": 0}
    try:
        count = max(0, raw.FPDFText_CountChars(text))
        # spent even when the page is over its own budget: loading it was the cost
        stop = budget.spend("chars", count)
        if stop:
            return stop
        over = budget.over("chars", count)
        if over:
            return over
        frame = reader.frame(text, count)
        if raw.FPDFPage_GetRotation(page) != frame.quarter:
            # pdfium tells spaces from line breaks as the page is shown: show it (in this copy)
            # the way its text reads, and let it read the text again
            raw.FPDFPage_SetRotation(page, frame.quarter)
            raw.FPDFText_ClosePage(text)
            text = raw.FPDFText_LoadPage(page)
            if not text:
                return {"over": "damaged", "count": 0, "limit": 0}
            count = max(0, raw.FPDFText_CountChars(text))
        edges, over = reader.edges(paths, frame)
        if over:
            return over
        return {"size": list(frame.size), "chars": reader.chars(text, count, frame), "edges": edges}
    finally:
        if text:
            raw.FPDFText_ClosePage(text)


def main() -> None:
    limits = json.loads(sys.argv[1])
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    limits["memory_limited"] = limit_memory(limits["memory"])
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError):  # not a file (the tests' in-process run)
        descriptor = None
    if descriptor is not None:
        # the messages get a descriptor of their own; whatever the library prints goes to stderr
        out = os.fdopen(os.dup(descriptor), "wb")
        os.dup2(sys.stderr.fileno(), descriptor)

    def emit(message: dict[str, Any]) -> None:
        frame = marshal.dumps(message, 4)
        out.write(len(frame).to_bytes(4, "little") + frame)
        out.flush()

    try:
        read_pages(data, limits, first, emit)
    except MemoryError:
        sys.exit(3)  # the page being read: the parent names it


if __name__ == "__main__":
    main()
