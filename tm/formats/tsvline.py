"""Lines of TSV files as spreadsheets save them: quoted cells read only where a spreadsheet quoted.

Excel and LibreOffice quote a TSV cell that holds a quote, a tab or a line break
(in quotes, its own quotes doubled); news text holds quotations of its own
(``"Today, there's neither."``).
:func:`split_tsv_line` tells them apart.  Used by the memory's and the glossary's TSV readers;
free of lxml.
"""

from __future__ import annotations

from collections.abc import Callable


def _quoted(text: str, start: int) -> tuple[str, int] | int:
    """The quoted cell at *start* and the index after its closing quote, or where the text stops being
    one: the index of a stray quote, or ``len(text)`` when the cell is still open at the line end."""
    parts, i = [], start + 1
    while True:
        close = text.find('"', i)
        if close < 0:
            return len(text)
        parts.append(text[i:close])
        if text.startswith('"', close + 1):
            parts.append('"')
            i = close + 2
            continue
        end = close + 1
        return ("".join(parts), end) if end == len(text) or text[end] == "\t" else close


def split_tsv_line(text: str, fits: Callable[[int], bool]) -> tuple[list[str], bool]:
    """The cells of a TSV line, and whether a cell opens a quote that the line does not close (no quote
    follows it), as the first line of a spreadsheet cell holding a line break does.

    The line is read as a spreadsheet writes one, quoted cells unquoted, only where that is what a
    spreadsheet would have written -- each quoted cell holds a quote or a tab (else it would not
    have been quoted) -- and the cells read so are as many as the file takes (*fits*).  Otherwise,
    when the line split at its tabs fits, it is taken as it is: news text that opens and closes a
    quotation (``"Today, there's neither."``, a quotation running from the Arabic cell to the end
    of the English one) keeps its quotes."""
    literal = text.split("\t")
    if '"' not in text:
        return literal, False
    cells, quoted, open_quote = _parse_quoted(text)
    excel = all('"' in c or "\t" in c for c, q in zip(cells, quoted, strict=True) if q)
    if fits(len(literal)) and not (excel and any(quoted) and fits(len(cells))):
        return literal, open_quote  # an open quote only explains the next line's error, if it has one
    return (cells, open_quote) if excel else (literal, open_quote)


def _parse_quoted(text: str) -> tuple[list[str], list[bool], bool]:
    """The cells of *text* with properly quoted ones unquoted, which of them were quoted, and whether
    a cell opens a quote the line does not close."""
    cells: list[str] = []
    quoted: list[bool] = []
    i, open_quote = 0, False
    while True:
        if text.startswith('"', i):
            found = _quoted(text, i)
            if isinstance(found, tuple):
                cells.append(found[0])
                quoted.append(True)
                if found[1] == len(text):
                    return cells, quoted, open_quote
                i = found[1] + 1
                continue
            open_quote = open_quote or found == len(text)
        tab = text.find("\t", i)
        cells.append(text[i:] if tab < 0 else text[i:tab])
        quoted.append(False)
        if tab < 0:
            return cells, quoted, open_quote
        i = tab + 1
