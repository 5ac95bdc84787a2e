"""One ``replace`` for the skill's value classes: msgspec Structs and the few dataclasses left.

Most of the skill's value classes are ``msgspec.Struct``s (defining one costs a thirtieth of a
dataclass at a cold start); ``msgspec.structs.replace`` copies them in C. The dataclasses
left (a locale's content, the content index, the registry) keep the fast copy below.

A turn replaces the household, the session and the reply about ten times (a draw, the
journal, tonight's question, the place, a card). ``dataclasses.replace`` walks the class's
fields and calls ``__init__`` with every one of them as a keyword: about 2.4 µs for a
``Household`` of 24 fields, against 0.3 µs to copy the instance's attributes. The result is
the same object: a plain dataclass's ``__init__`` (no ``__post_init__``, no init-only or
non-init fields) only assigns each field, which is what the copy does, and the copy is as
shallow as ``replace``'s. Any other class, any instance holding more than its fields (a
cached property) and any name that is not a field go to ``dataclasses.replace`` itself, so
a wrong name still fails as it always did.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

#: Per class: its field names when the fast copy is exact for it, else None.
_PLAIN: dict[type, frozenset[str] | None] = {}


def replace(obj: T, /, **changes: Any) -> T:
    """``dataclasses.replace(obj, **changes)``, or ``msgspec.structs.replace`` for a Struct: the
    same result, faster for plain dataclasses; a name that is not a field is a TypeError."""
    if isinstance(obj, msgspec.Struct):
        return msgspec.structs.replace(obj, **changes)
    cls = type(obj)
    try:
        names = _PLAIN[cls]
    except KeyError:
        names = _PLAIN[cls] = _plain_fields(cls)
    if names is None or not names.issuperset(changes):
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    attributes = obj.__dict__
    if len(attributes) != len(names):
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    new: T = object.__new__(cls)
    # ``update`` of the new instance's own dict: no ``__setattr__``, so frozen classes copy too.
    own = new.__dict__
    own.update(attributes)
    own.update(changes)
    return new


def _plain_fields(cls: type) -> frozenset[str] | None:
    """The field names of ``cls`` if copying an instance's attributes is exactly what
    ``dataclasses.replace`` would build, else None."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    if "__slots__" in cls.__dict__ or not hasattr(cls, "__dict__"):
        return None
    declared = getattr(cls, "__dataclass_fields__", {})
    fields = dataclasses.fields(cls)
    # Init-only pseudo-fields are declared but not fields: replace must be given them.
    if len(declared) != len(fields) or not all(f.init for f in fields):
        return None
    return frozenset(f.name for f in fields)
