"""One cold start, run in a fresh interpreter by ``bench.coldstart``.

Usage: ``python coldstart_child.py LAMBDA_FILE`` with the request envelope on standard input.
Imports the Lambda file as Lambda would (its module-level init included), answers the one
request, and prints the phases as JSON on standard output. Only the standard library is
imported here, so everything else the interpreter loads belongs to the Lambda under test.

With ``BENCH_INIT_BREAKDOWN=1`` it also times the skill's catalog load and store opening
(a diagnostic run, never a timed one: the patching imports those modules early).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any


def _breakdown() -> dict[str, float]:
    import skill.runtime.catalog as catalog
    import skill.runtime.store.factory as factory

    timings: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    load = catalog.Catalog.__dict__["load"].__func__
    setattr(catalog.Catalog, "load", classmethod(timed("catalog_load_s", load)))  # noqa: B010
    setattr(factory, "open_store", timed("open_store_s", factory.open_store))  # noqa: B010
    return timings


def main() -> None:
    path = sys.argv[1]
    event = json.loads(sys.stdin.read())
    breakdown = _breakdown() if os.environ.get("BENCH_INIT_BREAKDOWN") == "1" else None
    t0 = time.perf_counter()
    spec = importlib.util.spec_from_file_location("lambda_function", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["lambda_function"] = module
    spec.loader.exec_module(module)
    t1 = time.perf_counter()
    response = module.handler(event, None)
    t2 = time.perf_counter()
    done_at = time.time()
    speech = response.get("response", {}).get("outputSpeech", {})
    out: dict[str, Any] = {
        "init_s": t1 - t0,
        "invoke_s": t2 - t1,
        #: The wall clock when the answer was ready: the parent subtracts the moment it
        #: started this process, so the interpreter's start counts and its exit does not.
        "done_at": done_at,
        "answered": bool(speech),
        "modules": len(sys.modules),
    }
    if breakdown is not None:
        out.update(breakdown)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
