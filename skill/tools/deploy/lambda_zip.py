"""Build the Lambda deployment zip with only what the runtime needs.

The zip root is Lambda's task root (``/var/task``):

* ``lambda_function.py``, the handler (``lambda_function.handler``);
* ``skill/__init__.py`` and ``skill/runtime/``: the code the Lambda runs, and only that (the
  hosts and tools beside it are never imported there, which a test keeps true);
* ``content/`` (``settings.DEFAULT_CONTENT_DIR`` finds it beside the package, as in a
  checkout), holding only the catalog snapshot (below);
* the runtime dependencies (``pip install .``), exactly as pinned in
  ``requirements/lambda.lock``, pip-installed for the target (Python 3.12 on
  ``manylinux2014_aarch64`` by default, binary wheels only), so one commit always builds the
  same zip: entries are sorted and stamped with a fixed time, and bytecode is compiled in
  ``unchecked-hash`` mode, which records no timestamps;
* ``content/catalog.snapshot``: the catalog, validated and parsed at build time from every
  locale and schema and pickled with the hash of each file (``skill.runtime.catalog_snapshot``),
  so a cold start unpickles it (about 2 ms) instead of compiling schemas and validating
  (about 28 ms). It ships sealed, without the JSON it was made from: carrying both put every
  item in the zip twice (420 KB of the 3.24 MB once German and Spanish came).

The zip is kept small (Lambda downloads and unpacks it at every cold start, and each entry
costs a header): bytecode is sourceless (``module.pyc`` where ``module.py`` was: without
bytecode a cold start is 1.6x slower, and with both it carries every module twice;
ask-sdk-model's is compiled without docstrings), and what pip installs that nothing on the
Lambda path imports is left out (``UNUSED_ON_LAMBDA``, ``UNUSED_FILES``, ``PRUNED_PACKAGES``).
The zip's integration test proves it: it imports the handler and answers every request kind
and every intent from the built zip in a clean Python 3.12 with only boto3.

boto3 (and botocore) is not a runtime dependency: the Lambda runtime provides it, and a copy in
the task root would shadow it. ``include_boto3`` adds it, pinned by ``requirements/dev.lock``,
for testing the zip outside Lambda.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The checkout the zip is built from: the parent of the ``skill`` package.
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = Path("build") / "lambda.zip"
#: The Lambda runtime the deployment template names (``Runtime: python3.12``).
DEFAULT_PYTHON = "3.12"
#: The template's architecture, and pip's platform tag for each architecture Lambda offers.
DEFAULT_ARCH = "arm64"
PLATFORM_TAGS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
_MACHINES = {"aarch64": "arm64", "arm64": "arm64", "x86_64": "x86_64", "amd64": "x86_64"}

#: The runtime dependencies, pinned (``make lock`` writes it from ``pyproject.toml``).
LAMBDA_LOCK = Path("requirements") / "lambda.lock"
#: Every dependency of every extra, pinned: where boto3's pins come from when it is added.
DEV_LOCK = Path("requirements") / "dev.lock"
#: Where Lambda unpacks the zip: the path the bytecode records for each module.
LAMBDA_TASK_ROOT = "/var/task"
#: The part of the ``skill`` package the Lambda runs (with ``skill/__init__.py``).
RUNTIME_PACKAGE = Path("skill") / "runtime"
#: Top-level names that must never be in the zip (checked after staging, as a safety net).
FORBIDDEN_TOP_LEVEL = frozenset({"flask", "werkzeug", "gtts", "cryptography"})
#: boto3 and its own dependencies: out unless asked for.
BOTO3_TOP_LEVEL = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
#: Lambda's limits: a zip uploaded directly, and the unzipped code.
ZIP_LIMIT_BYTES = 50 * 1024 * 1024
#: This skill's own budget for the zip (3 MB): the benchmark and the zip's test hold it.
SIZE_BUDGET_BYTES = 3_000_000
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
#: Installed by pip but never imported on the Lambda path. requests and its own dependencies
#: serve only ask-sdk-core's ``DefaultApiClient`` (the skill builds a ``CustomSkillBuilder``
#: without one and calls Alexa's APIs through ``urllib``). botocore, which does use urllib3
#: (and certifi when it finds one), comes from the Lambda runtime with its own urllib3 and CA
#: bundle; a second urllib3 in the task root would only shadow the runtime's.
UNUSED_ON_LAMBDA = frozenset({"requests", "charset-normalizer", "idna", "certifi", "urllib3"})
#: Files of kept packages that nothing on the Lambda path reads: dateutil's tz database
#: tarball (the skill's time zones come from ``zoneinfo`` and tzdata; ask-sdk only parses
#: timestamps) and type stubs.
UNUSED_FILES = (
    "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
    # iCalendar recurrence and Easter dates (tz.tzical imports rrule lazily; nothing here
    # makes a tzical), and Windows' registry zones (tz imports win under try/except).
    "dateutil/rrule.py",
    "dateutil/easter.py",
    "dateutil/tz/win.py",
    # zoneinfo reads one compiled file per zone; these are the database's source text and
    # its human tables, which only tools read.
    "tzdata/zoneinfo/tzdata.zi",
    "tzdata/zoneinfo/zone.tab",
    "tzdata/zoneinfo/zone1970.tab",
    "tzdata/zoneinfo/zonenow.tab",
    "tzdata/zoneinfo/iso3166.tab",
    "tzdata/zoneinfo/leapseconds",
)
UNUSED_SUFFIXES = (".pyi",)
#: Packages pruned to the modules something can reach (``reachable_modules``): ask-sdk-model
#: models every Alexa API (Amazon Pay, dynamic endpoints...), most of which no request to
#: this skill, and no module of it, can ever name.
PRUNED_PACKAGES = ("ask_sdk_model",)
#: Packages compiled without their docstrings (``-OO``): ask-sdk-model's API documentation is
#: about a sixth of its bytecode, the skill's own docstrings (which say why, for readers of
#: the source) about a quarter of its; nothing reads ``__doc__`` at run time. ``-OO`` also
#: drops ``assert`` statements, so the build refuses a package here that has any.
DOCSTRIPPED_PACKAGES = ("ask_sdk_model", "skill")
#: The one module kept as source: Lambda's handler setting names its file.
HANDLER_FILE = "lambda_function.py"
#: A fixed timestamp for every entry, so the same inputs give the same zip.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_JUNK_DIRS = frozenset({"__pycache__", "bin"})
#: Deflate's best: the zip is built once and unpacked by Lambda, never by a turn.
ZIP_LEVEL = 9
#: Files nothing reads at run time: pip's install records (RECORD alone is 85 KB for
#: ask-sdk-model) and typing markers. A dist-info's METADATA stays, for version lookups.
_JUNK_FILES = frozenset({"RECORD", "INSTALLER", "REQUESTED", "py.typed"})


class BuildError(Exception):
    """The zip could not be built; the message says which step failed and why."""


@dataclass(frozen=True)
class BuildOptions:
    """What to build and for which Lambda runtime."""

    out: Path = DEFAULT_OUT
    arch: str = DEFAULT_ARCH
    python_version: str = DEFAULT_PYTHON
    include_boto3: bool = False
    root: Path = REPO_ROOT
    pip: Sequence[str] = field(default_factory=lambda: (sys.executable, "-m", "pip"))


@dataclass(frozen=True)
class BuildResult:
    """The zip written, and what went into it."""

    path: Path
    size: int
    files: int
    unzipped_size: int
    arch: str
    platform_tag: str
    python_version: str
    requirements: tuple[str, ...]
    precompiled: bool = False
    #: The catalog snapshot went in (``content/catalog.snapshot``).
    snapshot: bool = False


def canonical_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Flask`` == ``flask``, ``a_b`` == ``a-b``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve_arch(arch: str) -> str:
    """``arm64`` or ``x86_64``; ``host`` means this machine's, so the zip imports here."""
    if arch == "host":
        machine = platform.machine().lower()
        if machine not in _MACHINES:
            raise BuildError(f"no Lambda architecture matches this machine ({machine!r})")
        return _MACHINES[machine]
    if arch not in PLATFORM_TAGS:
        raise BuildError(f"unknown architecture {arch!r}: expected arm64, x86_64 or host")
    return arch


def lock_pins(lock: Path) -> list[str]:
    """The ``name==version`` lines of a lock file (markers kept), in the file's order."""
    try:
        lines = lock.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BuildError(f"{lock}: cannot read the lock file: {error}") from None
    pins = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    for pin in pins:
        if "==" not in pin:
            raise BuildError(f"{lock}: not a pinned requirement: {pin!r}")
    return pins


def runtime_requirements(root: Path, include_boto3: bool = False) -> list[str]:
    """The pinned requirements the zip installs: the Lambda lock, plus boto3 when asked."""
    pins = lock_pins(root / LAMBDA_LOCK)
    if include_boto3:
        dev = lock_pins(root / DEV_LOCK)
        boto3 = [p for p in dev if canonical_name(p.split("==")[0]) == "boto3"]
        if not boto3:
            raise BuildError(f"{root / DEV_LOCK}: boto3 is not pinned")
        pins.extend(boto3)
    return pins


def pip_install_command(
    options: BuildOptions, target: Path, constraints: Path, requirements: Sequence[str]
) -> list[str]:
    """The pip command installing ``requirements`` for the Lambda runtime into ``target``."""
    arch = resolve_arch(options.arch)
    return [
        *options.pip,
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        "--platform",
        PLATFORM_TAGS[arch],
        "--python-version",
        options.python_version,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--constraint",
        str(constraints),
        *requirements,
    ]


def _source_files(root: Path) -> Iterable[tuple[Path, str]]:
    """(file, path in the zip) for the handler, the skill package and the content."""
    handler = root / "lambda" / "lambda_function.py"
    if not handler.is_file():
        raise BuildError(f"{handler} is missing")
    yield handler, "lambda_function.py"
    yield root / "skill" / "__init__.py", "skill/__init__.py"
    package = root / RUNTIME_PACKAGE
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or _is_junk(relative):
            continue
        yield path, relative.as_posix()
    content = root / "content"
    if not content.is_dir():
        raise BuildError(f"{content} is missing")
    for path in sorted(content.rglob("*.json")):
        yield path, f"content/{path.relative_to(content).as_posix()}"


def _compact_json(source: Path) -> str:
    """A content file without its indentation: the same data in about a fifth fewer zipped
    bytes (the snapshot is written from, and hashes, these staged copies). A file that is not
    JSON is copied as it is, so the catalog's own check names it."""
    text = source.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _is_junk(relative: Path) -> bool:
    return "__pycache__" in relative.parts or relative.suffix in (".pyc", ".pyo")


def stage(options: BuildOptions, staging: Path) -> tuple[str, ...]:
    """Install the dependencies and copy the sources into ``staging``; return the requirements."""
    requirements = runtime_requirements(options.root, options.include_boto3)
    # Every package pip installs, dependencies included, must be one the lock names.
    lock = DEV_LOCK if options.include_boto3 else LAMBDA_LOCK
    constraints = staging.parent / "constraints.txt"
    constraints.write_text("\n".join(lock_pins(options.root / lock)) + "\n", encoding="utf-8")
    command = pip_install_command(options, staging, constraints, requirements)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"pip could not run: {error}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-3000:]
        raise BuildError(f"pip install failed (exit {completed.returncode}):\n{detail}")
    for junk in sorted(staging.rglob("*"), reverse=True):
        if junk.is_dir() and junk.name in _JUNK_DIRS:
            shutil.rmtree(junk)
        elif junk.is_file() and (
            junk.suffix in (".pyc", ".pyo", *UNUSED_SUFFIXES) or junk.name in _JUNK_FILES
        ):
            junk.unlink()
    drop_unused(staging)
    for source, name in _source_files(options.root):
        destination = staging / name
        if destination.exists():
            raise BuildError(f"a dependency already provides {name}; refusing to overwrite it")
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".json":
            destination.write_text(_compact_json(source), encoding="utf-8")
        else:
            shutil.copyfile(source, destination)
    for package in PRUNED_PACKAGES:
        prune(staging, package)
    _check_contents(staging, options.include_boto3)
    write_snapshot(staging / "content", options.root)
    from skill.runtime import catalog_snapshot

    catalog_snapshot.seal(staging / "content")
    if catalog_snapshot.read(staging / "content") is None:
        raise BuildError("the sealed catalog snapshot does not read back")
    return tuple(requirements)


def _top_level_name(entry: str) -> str:
    """``requests-2.34.2.dist-info`` and ``requests`` both name ``requests``."""
    return canonical_name(entry.split("-")[0].removesuffix(".py"))


def drop_unused(staging: Path) -> list[str]:
    """Remove the packages (with their metadata) and files nothing on the Lambda path uses."""
    dropped: list[str] = []
    for entry in sorted(staging.iterdir()):
        if _top_level_name(entry.name) in UNUSED_ON_LAMBDA:
            dropped.append(entry.name)
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    for name in UNUSED_FILES:
        path = staging / name
        if path.is_file():
            path.unlink()
            dropped.append(name)
    return dropped


_MODEL_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def _module_names(staging: Path) -> dict[str, Path]:
    names: dict[str, Path] = {}
    for path in staging.rglob("*.py"):
        parts = path.relative_to(staging).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            names[".".join(parts)] = path
    return names


def _references(name: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """Every module ``name``'s source could load: each import (absolute or relative, under
    ``TYPE_CHECKING`` too) and each dotted module path in a string, which is how ask-sdk's
    deserializer names the class it imports for a request, slot or directive type."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return set(known)  # unreadable: assume it may load anything
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for dotted in _MODEL_PATH.findall(node.value):
                found.update((dotted, dotted.rpartition(".")[0]))
    return {f for f in found if f in known}


def reachable_modules(staging: Path, package: str) -> set[str]:
    """The modules of ``package`` that any module outside it can reach, by imports and by
    the type names the SDK imports from strings, with every package above each one."""
    known = _module_names(staging)
    inside = {n for n in known if n == package or n.startswith(package + ".")}
    todo = [n for n in known if n not in inside]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]))
        todo.extend(_references(name, known[name], known) if name in known else ())
    return seen & inside


def prune(staging: Path, package: str) -> list[str]:
    """Remove ``package``'s modules that nothing can reach; return their names."""
    known = _module_names(staging)
    keep = reachable_modules(staging, package)
    dropped = sorted(n for n in known if n.startswith(package + ".") and n not in keep)
    for name in dropped:
        known[name].unlink()
    for folder in sorted((staging / package).rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return dropped


def write_snapshot(content_dir: Path, root: Path = REPO_ROOT) -> None:
    """Validate the staged content as a cold start would and snapshot the result beside it.

    Broken content fails the build here with the catalog's own precise error; a snapshot the
    skill would not accept (a kind that can't be pickled) fails it too, rather than ship a zip
    that quietly validates at every cold start. It runs in its own interpreter with a fixed
    hash seed: sets pickle in their iteration order, which string hashing would otherwise
    change from one build to the next, and two builds of one commit must be identical.
    """
    script = (
        "import sys; from pathlib import Path; "
        "from skill.tools.deploy.lambda_zip import snapshot_catalog; "
        "snapshot_catalog(Path(sys.argv[1]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(root)}
    try:
        completed = subprocess.run(
            [sys.executable, "-c", script, str(content_dir)],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
            cwd=str(root),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"the catalog snapshot could not be made: {error}") from None
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BuildError(f"the catalog can't be snapshotted: {last}")
    from skill.runtime import catalog_snapshot

    if catalog_snapshot.read(content_dir) is None:
        raise BuildError(f"{content_dir}: the catalog snapshot does not read back")


def snapshot_catalog(content_dir: Path) -> Path:
    """Load and validate ``content_dir`` in full, build what the first turn would otherwise
    build from it (the default locale's content index for the stored form), and snapshot it.

    Only the default locale's index is carried: the other markets' indexes (about 90 KB of
    pickle each, and 0.1 MB of zip for four English markets) are built on their first turn
    in a container, a few milliseconds, while the zip stays within its 3 MB."""
    from skill.runtime import catalog_snapshot
    from skill.runtime.catalog import Catalog
    from skill.runtime.records import index_for

    catalog = Catalog.load_validated(content_dir)
    index_for(catalog.for_locale(catalog.default))
    return catalog_snapshot.write(content_dir, catalog)


def find_python(version: str) -> str | None:
    """A working interpreter for ``version`` (``pythonX.Y`` on PATH, then pyenv's), or None.

    Each candidate is run once: a pyenv shim is on PATH even where that version isn't active.
    """
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path.home() / ".pyenv" / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob(f"{version}*/bin/python{version}"))]
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            ran = subprocess.run([candidate, "-c", "import sys"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ran.returncode == 0:
            return candidate
    return None


def precompile(staging: Path, python_version: str) -> bool:
    """Compile every module with the runtime's own Python version, sourceless.

    Lambda's code directory is read-only, so without bytecode in the zip every cold start
    compiles each imported module again. Each module's bytecode takes its source's place
    (``module.pyc`` beside where ``module.py`` was, which Python imports without a source), so
    the zip carries each module once; only the handler's file stays as source, with its
    cached bytecode. ``unchecked-hash`` bytecode is used as it is, whatever the (fixed)
    timestamps in the zip say, and it names its sources under ``/var/task``, so two builds of
    one commit are identical. Returns False (sources kept) when no such interpreter is here.
    """
    python = find_python(python_version)
    if python is None:
        return False
    handler = staging / HANDLER_FILE
    common = [
        python,
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        # Record Lambda's own paths in the bytecode, not this build's temporary folder:
        # the same sources then give the same bytes, and tracebacks name /var/task.
        "-s",
        str(staging),
        "-p",
        LAMBDA_TASK_ROOT,
    ]
    stripped = [staging / name for name in DOCSTRIPPED_PACKAGES if (staging / name).is_dir()]
    for package in stripped:
        _refuse_asserts(package)
    excluded = "|".join(
        [re.escape(str(handler)) + "$", *(re.escape(str(p)) + "/" for p in stripped)]
    )
    commands = [[*common, "-j", "0", "-b", "-x", excluded, str(staging)]]
    commands += [[*common, "-j", "0", "-b", "-o", "2", str(p)] for p in stripped]
    commands.append([*common, str(handler)])
    for command in commands:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if completed.returncode != 0:
            detail = (completed.stderr or completed.stdout).strip()[-2000:]
            raise BuildError(f"compiling for Python {python_version} failed:\n{detail}")
    for source in sorted(staging.rglob("*.py")):
        if source == handler:
            continue
        if not source.with_suffix(".pyc").is_file():
            raise BuildError(f"{source.relative_to(staging)}: no bytecode was written for it")
        source.unlink()
    return True


def _refuse_asserts(package: Path) -> None:
    """Compiling without docstrings also drops asserts: refuse a package that has any."""
    for path in sorted(package.rglob("*.py")):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            raise BuildError(f"{path}: cannot be parsed to check for asserts") from None
        if any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
            raise BuildError(f"{path}: has assert statements; it can't be compiled with -OO")


def _check_contents(staging: Path, include_boto3: bool) -> None:
    forbidden = FORBIDDEN_TOP_LEVEL if include_boto3 else FORBIDDEN_TOP_LEVEL | BOTO3_TOP_LEVEL
    found = sorted(
        entry.name
        for entry in staging.iterdir()
        if canonical_name(entry.name.split("-")[0].removesuffix(".py")) in forbidden
    )
    if found:
        raise BuildError(f"the zip would contain what Lambda must not get: {', '.join(found)}")


def write_zip(staging: Path, out: Path) -> tuple[int, int]:
    """Zip ``staging`` reproducibly into ``out``; return (files, unzipped bytes)."""
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    unzipped = 0
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=_ZIP_EPOCH)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            # A hand-made ZipInfo carries no level of its own, and writestr would then use
            # zlib's default (6), not the archive's: say it for each entry.
            archive.writestr(info, data, compresslevel=ZIP_LEVEL)
    os.replace(partial, out)
    return len(files), unzipped


def build_lambda_zip(options: BuildOptions) -> BuildResult:
    """Stage the dependencies and sources in a temporary directory and write the zip."""
    arch = resolve_arch(options.arch)
    with tempfile.TemporaryDirectory(prefix="heart-lambda-") as scratch:
        staging = Path(scratch) / "task"
        staging.mkdir()
        requirements = stage(options, staging)
        precompiled = precompile(staging, options.python_version)
        files, unzipped = write_zip(staging, options.out)
    if unzipped > UNZIPPED_LIMIT_BYTES:
        raise BuildError(
            f"{options.out}: {unzipped} bytes unzipped, over Lambda's {UNZIPPED_LIMIT_BYTES}"
        )
    return BuildResult(
        path=options.out,
        size=options.out.stat().st_size,
        files=files,
        unzipped_size=unzipped,
        arch=arch,
        platform_tag=PLATFORM_TAGS[arch],
        python_version=options.python_version,
        requirements=requirements,
        precompiled=precompiled,
        snapshot=True,
    )


def describe(result: BuildResult) -> str:
    """One line for the terminal: where the zip is and how big."""
    note = "" if result.size <= ZIP_LIMIT_BYTES else " (over 50 MB: deploy it through S3)"
    return (
        f"{result.path}: {_megabytes(result.size)} zipped{note}, "
        f"{_megabytes(result.unzipped_size)} unzipped, {result.files} files, "
        f"python{result.python_version} {result.arch} ({result.platform_tag}), "
        + (
            "precompiled (sourceless)"
            if result.precompiled
            else f"not precompiled: no python{result.python_version} here"
        )
        + (", catalog snapshot" if result.snapshot else "")
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.2f} MB"
