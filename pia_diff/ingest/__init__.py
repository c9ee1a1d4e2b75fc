"""Reading: a document (PDF, text, .xlsx, snapshot JSON) in, a Snapshot out, with what could not be placed.

The public calls are re-exported here (`pia_diff.ingest.read_document`); the modules below are the
parts: `lines` classifies one line, `cursor` says where in the form the walk stands, `textform`
walks a text along the catalogue, `generic` reads a document by its own structure, `pdf` and
`workbook` turn PDFs and Excel books into cell-text rows.
"""

from .read import parse_bytes, parse_text, read_document, read_input

__all__ = ["parse_bytes", "parse_text", "read_document", "read_input"]
