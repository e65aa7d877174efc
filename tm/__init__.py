"""tm: translation memory, glossary and MT drafts for Arabic→English political news."""

from .errors import TMError
from .normalize import normalize

__all__ = ["TMError", "normalize"]
