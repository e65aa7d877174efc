"""Interchange formats: TMX, TBX, XLIFF, CSV readers and writers.

* :mod:`tm.formats.tmx` — TMX 1.1–1.4 translation memories, streamed as
  :class:`~tm.formats.tmx.TMUnit` (``read_tmx``), written as TMX 1.4 (``write_tmx``).
* :mod:`tm.formats.tabular` — two-column TSV/CSV files (``read_tabular``, ``write_tabular``) and
  line-aligned file pairs (``read_aligned``), as the same ``TMUnit`` stream.
* :mod:`tm.formats.xliff` — a document as XLIFF 1.2 for a CAT tool (``write_xliff``),
  read back from 1.2 or 2.0 (``read_xliff``), post-edits stored as corrections
  (``import_xliff``).
* :mod:`tm.formats.tbx` — term bases as TBX (v3 TBX-Basic written; v2 and v3 read);
  :mod:`tm.formats.termfile` — CSV/TSV/TBX term files read and written as
  :class:`~tm.formats.records.Record` (:mod:`tm.formats.records`, free of lxml).
* :mod:`tm.formats.xmlchars` — the characters XML 1.0 cannot hold; :mod:`tm.formats.tsvline` —
  TSV lines as spreadsheets save them (both free of lxml).

Readers are generators that raise :class:`tm.errors.FormatError` with the file and
line of the first problem; writers refuse text XML cannot hold.
"""
