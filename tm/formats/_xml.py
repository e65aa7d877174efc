"""What the XML formats share: streaming a file element by element, checking its encoding,
the text of a segment with inline codes, exact line numbers, and writing a file all or nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from lxml import etree

from ..errors import FormatError, InputError
from .xmlchars import unwritable_char

PathArg = str | os.PathLike[str]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "ph", "it", "ut", "sub", "x", "bx", "ex"})  # native codes, not text
_DECLARED = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")
# Declared encodings read as UTF-8: UTF-8 itself and the names of ASCII, a subset of it (ElementTree
# declares "us-ascii" by default), so a file declared ASCII that holds UTF-8 is read as such.
_UTF8_NAMES = frozenset({
    b"utf-8", b"utf8", b"us-ascii", b"ascii", b"ansi_x3.4-1968", b"iso646-us", b"iso-ir-6", b"us", b"cp367",
    b"ibm367", b"csascii",
})  # fmt: skip


def local_name(el: etree._Element) -> str:
    """The tag of *el* without its namespace ('' for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def inline_text(el: etree._Element) -> str:
    """The text of a ``<seg>``/``<target>``: its text and tails, without the content of inline codes."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and local_name(child) not in _CODES:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


_ISO639_2 = {"ara": "ar", "arb": "ar", "eng": "en"}  # three-letter codes some tools write


def primary_language(tag: str) -> str:
    """The primary language of an ``xml:lang`` tag, lower-cased: ``ar-SA``, ``ar_EG``, ``ara`` → ``ar``."""
    primary = tag.replace("_", "-").split("-")[0].strip().lower()
    return _ISO639_2.get(primary, primary)


def check_xml_text(text: str, what: str) -> None:
    """:class:`InputError` if *text* holds a character XML 1.0 cannot represent."""
    bad = unwritable_char(text)
    if bad:
        raise InputError(
            f"{what} contains the character U+{ord(bad):04X}, which XML 1.0 cannot hold; "
            "remove it before exporting."
        )


def open_input(path: str) -> BinaryIO:
    """*path* opened for reading in binary; :class:`InputError` in one sentence when it cannot be."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"No such file: {path}.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give a file.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None


def check_start(path: str) -> str | None:
    """Refuse empty files and encodings other than UTF-8 (or ASCII) or UTF-16 with a byte-order mark.

    Returns ``"utf-8"`` when the file declares an ASCII encoding, to be read as UTF-8, else None.
    """
    with open_input(path) as fh:
        head = fh.read(4096)
        more = bool(fh.read(1))
    if not more and not head.lstrip(b"\xef\xbb\xbf").strip():
        raise FormatError("the file is empty.", path=path)
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise FormatError("the file is UTF-32; save it as UTF-8.", path=path, line=1)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    if head[:2] in (b"<\x00", b"\x00<"):
        raise FormatError(
            "the file is UTF-16 without a byte-order mark; save it as UTF-8.", path=path, line=1
        )
    m = _DECLARED.match(head)
    if m is None:
        return None
    declared = m.group(1).strip().lower()
    if declared not in _UTF8_NAMES:
        enc = m.group(1).decode("ascii", "replace")
        raise FormatError(
            f"the file is declared as {enc}; tm reads UTF-8 or UTF-16 with a byte-order mark "
            f"(convert it, e.g. `iconv -f {enc} -t UTF-8` and fix the declaration).",
            path=path,
            line=1,
        )
    return None if declared in (b"utf-8", b"utf8") else "utf-8"


def iter_xml(path: PathArg, tags: tuple[str, ...], *, root: str) -> Iterator[etree._Element]:
    """Yield each complete element named in *tags* (any namespace), freeing it once the caller resumes.

    :class:`FormatError` for a file that is empty, not UTF-8/UTF-16, not well-formed or
    whose root element is not *root*.
    """
    name = str(path)
    encoding = check_start(name)
    with open(name, "rb") as fh:
        context = etree.iterparse(fh, events=("end",), tag=[f"{{*}}{t}" for t in tags], encoding=encoding)
        checked = False
        try:
            for _, el in context:
                if not checked:
                    _check_root(el.getroottree().getroot(), root, name)
                    checked = True
                yield el
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, name) from None
        if not checked and context.root is not None:
            _check_root(context.root, root, name)


def source_line(el: etree._Element) -> int:
    """The line where *el* starts, also past line 65535.

    libxml2 keeps element lines in 16 bits; beyond that it reports the line where
    the first text inside the element was read, so the newlines between the start of
    *el* and the end of that text are taken back off.
    """
    line = el.sourceline or 0
    if line < 65535:
        return line
    for node, before in _starts(el):
        if node.text is not None:
            return (node.sourceline or line) - node.text.count("\n") - before
    return line


def _starts(el: etree._Element, before: int = 0) -> Generator[tuple[etree._Element, int], None, int]:
    """Each element under *el* in document order, with the newlines of text read before its start."""
    yield el, before
    before += (el.text or "").count("\n")
    for child in el:
        if isinstance(child.tag, str):
            before = yield from _starts(child, before)
        else:
            before += (child.text or "").count("\n")
        before += (child.tail or "").count("\n")
    return before


def _check_root(el: etree._Element, root: str, path: str) -> None:
    if local_name(el) != root:
        raise FormatError(
            f"this is not a {root.upper()} file: its root element is <{local_name(el)}>, not <{root}>.",
            path=path,
            line=el.sourceline,
        )


def _syntax_error(exc: etree.XMLSyntaxError, path: str) -> FormatError:
    msg = exc.msg or str(exc)
    line = exc.lineno or None
    if "encoding" in msg or "UTF-8" in msg:
        return FormatError(
            f"the file's bytes are not valid in its encoding ({msg}); save it as UTF-8.", path=path, line=line
        )
    if "no element found" in msg or "Document is empty" in msg:
        return FormatError("the file has no XML content.", path=path, line=line)
    return FormatError(f"not well-formed XML ({msg}).", path=path, line=line)


@contextmanager
def output(path: PathArg | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary stream to write: *path* itself if it is a stream, else a temporary file renamed at the end.

    A path that exists and is no regular file (/dev/null, /dev/stdout, a named pipe) is written to
    directly, and a symbolic link is followed: the rename must not put a file where they were."""
    if hasattr(path, "write"):
        yield path  # type: ignore[misc]
        return
    if os.path.exists(path) and not os.path.isfile(path):  # type: ignore[arg-type]
        try:
            direct = open(path, "wb")  # type: ignore[arg-type]  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"Cannot write {path}: {exc.strerror}.") from None
        with direct:
            yield direct
        return
    target = Path(os.path.realpath(path))  # type: ignore[arg-type]
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fh = open(tmp, "wb")
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror}.") from None
    try:
        with fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def tool_version() -> str:
    """The installed version of tm."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tm")
    except PackageNotFoundError:
        return "unknown"
