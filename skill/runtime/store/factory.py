"""Choose a store from one URL (``HEART_STORE`` or ``--store``).

* ``sqlite:///relative/file.db`` — a file relative to the current directory (resolved now).
* ``sqlite:////abs/path/file.db`` — an absolute path: everything after ``sqlite:///`` is the
  path, as in SQLAlchemy, so ``f"sqlite:///{abs_path}"`` just works.
* ``sqlite:///:memory:`` — a private in-memory database (tests and demos).
* ``dynamodb://TABLE?region=R&endpoint=URL`` — region and endpoint optional (Lambda supplies
  the region; the endpoint is for a local DynamoDB-compatible server).

The DynamoDB adapter is imported only for ``dynamodb://`` URLs: importing botocore costs far
more than the rest of the skill, and the SQLite path has no use for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from skill.runtime.store.port import Store

_SQLITE_PREFIX = "sqlite:///"
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_REGION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_DYNAMODB_PARAMS = frozenset({"region", "endpoint"})
_EXAMPLES = (
    "sqlite:///relative.db, sqlite:////abs/path.db or dynamodb://TABLE?region=R&endpoint=URL"
)


def open_store(url: str) -> Store:
    """Build the store a URL names. Raises ``ValueError`` saying what is wrong with a bad URL.

    Nothing is opened or contacted here: adapters connect on first use.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        return _open_sqlite(url)
    if scheme == "dynamodb":
        return _open_dynamodb(url)
    raise ValueError(f"unsupported store URL {url!r}: expected {_EXAMPLES}")


def _open_sqlite(url: str) -> Store:
    from skill.runtime.store.sqlite import SqliteStore

    if not url.lower().startswith(_SQLITE_PREFIX):
        raise ValueError(
            f"bad SQLite store URL {url!r}: expected sqlite:/// followed by a path "
            "(sqlite:///relative.db or sqlite:////abs/path.db)"
        )
    path = url[len(_SQLITE_PREFIX) :]
    if not path:
        raise ValueError(f"bad SQLite store URL {url!r}: no file path after sqlite:///")
    if "?" in path or "#" in path:
        raise ValueError(f"bad SQLite store URL {url!r}: query strings and fragments are not used")
    if path.endswith("/"):
        raise ValueError(f"bad SQLite store URL {url!r}: the path names a directory, not a file")
    if path == ":memory:":
        return SqliteStore(path)
    return SqliteStore(Path.cwd() / path)


def _open_dynamodb(url: str) -> Store:
    parts = urlsplit(url)
    table = parts.netloc
    if not table:
        raise ValueError(f"bad DynamoDB store URL {url!r}: no table name (dynamodb://TABLE)")
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(
            f"bad DynamoDB store URL {url!r}: table name {table!r} must be 3-255 characters "
            "of letters, digits, '_', '-' and '.'"
        )
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError(
            f"bad DynamoDB store URL {url!r}: nothing may follow the table name but "
            "?region=R&endpoint=URL"
        )
    try:
        params = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as error:
        raise ValueError(f"bad DynamoDB store URL {url!r}: malformed query ({error})") from None
    unknown = sorted(set(params) - _DYNAMODB_PARAMS)
    if unknown:
        raise ValueError(
            f"bad DynamoDB store URL {url!r}: unknown parameter(s) {', '.join(unknown)} "
            "(only region and endpoint)"
        )
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise ValueError(f"bad DynamoDB store URL {url!r}: {', '.join(repeated)} given twice")
    region = params.get("region", [None])[0]
    endpoint = params.get("endpoint", [None])[0]
    if region is not None and not _REGION.fullmatch(region):
        raise ValueError(
            f"bad DynamoDB store URL {url!r}: region {region!r} is not a region name like us-east-1"
        )
    if endpoint is not None:
        target = urlsplit(endpoint)
        try:
            target.port  # noqa: B018  (parsing the port is the check)
        except ValueError:
            target = target._replace(netloc="")
        if target.scheme not in ("http", "https") or not target.hostname:
            raise ValueError(
                f"bad DynamoDB store URL {url!r}: endpoint {endpoint!r} must be an "
                "http:// or https:// URL with a host"
            )
    from skill.runtime.store.dynamodb import DynamoDbStore

    return DynamoDbStore(table, region=region, endpoint_url=endpoint)
