"""What a file is by its first bytes, before any reader is loaded: the PDF reader (and the child process
machinery it brings) is imported only for a PDF."""

from __future__ import annotations

MAGIC = b"%PDF-"
ZIP = b"PK\x03\x04"  # a workbook's package (.xlsx)


def is_pdf(data: bytes) -> bool:
    """PDF by content: the magic may follow a little leading junk, as readers allow (but a ZIP
    package that happens to hold the magic near its start is a workbook)."""
    head = data[:1024]
    return head.startswith(MAGIC) or (MAGIC in head and not head.startswith(ZIP))
