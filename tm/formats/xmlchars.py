"""Characters XML 1.0 cannot hold, so that no TMX, TBX or XLIFF file can carry them.

Control characters other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.  This module
imports nothing heavy: the glossary and input checks use it without loading lxml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unwritable_char(text: str) -> str | None:
    """The first character of *text* that XML 1.0 cannot represent, else None."""
    bad = NOT_XML.search(text)
    return bad.group() if bad else None


def unwritable(text: str) -> Iterator[re.Match[str]]:
    """Each character of *text* that XML 1.0 cannot represent, with its position."""
    return NOT_XML.finditer(text)
