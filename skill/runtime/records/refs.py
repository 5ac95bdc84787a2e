"""Short, stable references to content ids, for the stored form of a household.

A reference is four base-64 characters of a hash of the id, so it doesn't change when content
is added, removed or reordered, and it costs four bytes where the id costs ten to twenty. An
id whose reference another id of the same kind shares is written out in full between ``!``
marks, so nothing is ever resolved to the wrong item by the content this code knows; content
added later that happens to collide makes that one reference unresolvable (dropped), never
misread as a different item, because a collided reference resolves to nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DIGIT = {c: i for i, c in enumerate(ALPHABET)}
ESCAPE = "!"
REF_CHARS = 4


def digest(text: str, chars: int = REF_CHARS) -> str:
    """``chars`` base-64 characters of a BLAKE2b hash of ``text``."""
    value = int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=(chars * 6 + 7) // 8).digest()
    )
    value >>= (-chars * 6) % 8
    return "".join(ALPHABET[(value >> (6 * i)) & 63] for i in reversed(range(chars)))


class RefIndex:
    """References for the ids of one kind of content."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = frozenset(ids)
        #: The ids ``ref`` answers for: a set a filter tests in C (a game record's heard
        #: list is filtered by it on every turn that plays).
        self.referable = frozenset(i for i in self.ids if ESCAPE not in i)
        by_ref: dict[str, str | None] = {}
        self._ref: dict[str, str] = {}
        for item in self.ids:
            ref = digest(item)
            self._ref[item] = ref
            by_ref[ref] = None if ref in by_ref else item
        self._by_ref = by_ref

    def ref(self, item: str) -> str | None:
        """The token for a known id (short, or escaped when shared); None for an unknown id."""
        ref = self._ref.get(item)
        if ref is None or ESCAPE in item:
            return None
        return ref if self._by_ref.get(ref) == item else f"{ESCAPE}{item}{ESCAPE}"

    def pack(self, items: Iterable[str]) -> str:
        """Tokens for the known ids among ``items``, in order (unknown ids are left out)."""
        return "".join(t for t in map(self.ref, items) if t is not None)

    def unpack(self, text: str) -> list[str]:
        """The ids a packed string names, in order; tokens naming nothing known are dropped."""
        found: list[str] = []
        for token in tokens(text):
            item = self.resolve(token)
            if item is not None:
                found.append(item)
        return found

    def resolve(self, token: str) -> str | None:
        if token.startswith(ESCAPE):
            item = token[1:-1]
            return item if item in self.ids else None
        return self._by_ref.get(token)


def tokens(text: str) -> list[str]:
    """Split a packed string into its tokens (four characters, or ``!id!``)."""
    found: list[str] = []
    at = 0
    while at < len(text):
        if text[at] == ESCAPE:
            end = text.find(ESCAPE, at + 1)
            if end < 0:
                raise ValueError("an escaped id without its closing mark")
            found.append(text[at : end + 1])
            at = end + 1
        else:
            found.append(text[at : at + REF_CHARS])
            at += REF_CHARS
    return found


def take_token(text: str, at: int) -> tuple[str, int]:
    """The token starting at ``at`` and where the next one starts."""
    if text.startswith(ESCAPE, at):
        end = text.find(ESCAPE, at + 1)
        if end < 0:
            raise ValueError("an escaped id without its closing mark")
        return text[at : end + 1], end + 1
    if at + REF_CHARS > len(text):
        raise ValueError("a truncated reference")
    return text[at : at + REF_CHARS], at + REF_CHARS
