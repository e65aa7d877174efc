"""Interchange formats: TMX, TBX, XLIFF, CSV readers and writers.

* :mod:`tm.formats.tmx` — TMX 1.1–1.4 translation memories, streamed as
  :class:`~tm.formats.tmx.TMUnit` (``read_tmx``), written as TMX 1.4 (``write_tmx``).
* :mod:`tm.formats.tabular` — two-column TSV/CSV files (``read_tabular``, ``write_tabular``) and
  line-aligned file pairs (``read_aligned``), as the same ``TMUnit`` stream.
* :mod:`tm.formats.xliff` — a document as XLIFF 1.2 for a CAT tool (``write_xliff``),
  read back from 1.2 or 2.0 (``read_xliff``), post-edits stored as corrections
  (``import_xliff``).

Readers are generators that raise :class:`tm.errors.FormatError` with the file and
line of the first problem; writers refuse text XML cannot hold.
"""
