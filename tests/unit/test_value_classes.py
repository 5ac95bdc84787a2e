"""The runtime's value classes are msgspec Structs, so a cold start doesn't compile them.

A dataclass is built by compiling the source text of its generated methods (``__init__``,
``__repr__``, ``__eq__``, a frozen class's ``__setattr__``...) in every new process: 66 of
them cost a Lambda cold start 28-30 ms, a Struct is built in C for a thirtieth of that. The
few dataclasses left need what a Struct doesn't have: an instance dict (a locale's content
fills its lazy fields into it, the content index caches a property), fields set after
``__init__`` (the registry's tables) or an equality that leaves a field out (a voice's
fallback name)."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import msgspec

import skill.runtime

#: (module, class) of every dataclass the runtime keeps, each for the reason above.
KEPT = {
    ("skill.runtime.catalog", "LocaleContent"),
    ("skill.runtime.records.index", "ContentIndex"),
    ("skill.runtime.flows.registry", "Registry"),
    ("skill.runtime.reply", "PersonName"),
}


def _runtime_classes() -> list[type]:
    found: list[type] = []
    for module_info in pkgutil.walk_packages(skill.runtime.__path__, "skill.runtime."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_the_runtime_defines_no_dataclass_beyond_the_kept_ones() -> None:
    classes = _runtime_classes()
    dataclass_names = {
        (c.__module__, c.__qualname__) for c in classes if dataclasses.is_dataclass(c)
    }
    assert dataclass_names == KEPT
    structs = [c for c in classes if issubclass(c, msgspec.Struct)]
    # The household, its session, a reply and the turn's event are among the Structs.
    names = {c.__qualname__ for c in structs}
    assert {"Household", "Session", "Reply", "Say", "Event"} <= names, names
