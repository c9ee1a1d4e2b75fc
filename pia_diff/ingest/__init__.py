"""Reading: a document (PDF, text, .xlsx, snapshot JSON) in, a Snapshot out, with what could not be placed.

The public calls are re-exported here (`pia_diff.ingest.read_document`); the modules below are the
parts: `read` recognises and decodes the input, `pdf` and `workbook` turn PDFs and Excel books into
cell-text rows, `lines` classifies one line, `labels` indexes the catalogue's labels, `cursor` says
where in the form the walk stands, `textform` walks a text along the catalogue, `hits` and
`gaplog` hold what it found and what it could not place, `generic` and `printed` read a document
by its own structure when no catalogue fits.
"""

from .read import parse_bytes, parse_text, read_document, read_input

__all__ = ["parse_bytes", "parse_text", "read_document", "read_input"]
