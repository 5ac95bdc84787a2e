"""Run dynalite, a real DynamoDB-compatible server, on 127.0.0.1 for the tests.

dynalite is the npm package the repository's ``package.json`` installs; it starts in about
100 ms, so one server per test session is cheap and every test gets its own table.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from skill.runtime.store.dynamodb import BILLING_MODE, PK_ATTR

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

REPO_ROOT = Path(__file__).resolve().parents[2]
DYNALITE_BIN = REPO_ROOT / "node_modules" / ".bin" / "dynalite"
#: Dummy credentials and region: dynalite accepts any, botocore insists on some.
AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_SESSION_TOKEN": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
TEST_REGION = "us-east-1"
#: Tables become ACTIVE (and vanish) at once instead of after dynalite's default 500 ms.
_INSTANT_TABLES = ("--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")


def free_port() -> int:
    """A port nothing listens on right now (the OS may hand it out again later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@contextmanager
def dynalite(binary: Path = DYNALITE_BIN, startup_timeout: float = 10.0) -> Iterator[str]:
    """Start dynalite on a free port, yield its endpoint URL, and kill it on exit.

    A port taken between choosing and binding makes dynalite exit at once; that is retried
    on another port. Its output goes to a temporary file, quoted if it fails to start.
    """
    last_output = ""
    for _ in range(3):
        port = free_port()
        with tempfile.TemporaryFile() as output:
            process = subprocess.Popen(
                [str(binary), "--host", "127.0.0.1", "--port", str(port), *_INSTANT_TABLES],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + startup_timeout
                while process.poll() is None and time.monotonic() < deadline:
                    if _accepts(port):
                        yield f"http://127.0.0.1:{port}"
                        return
                    time.sleep(0.02)
                output.seek(0)
                last_output = output.read().decode(errors="replace")[-2000:]
                if process.poll() is None:
                    raise RuntimeError(
                        f"dynalite did not accept connections within {startup_timeout} s:\n"
                        f"{last_output}"
                    )
            finally:
                _stop(process)
    raise RuntimeError(f"dynalite failed to start:\n{last_output}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def create_table(client: DynamoDBClient, table: str) -> None:
    """Create a households table as the deployment template does (tests only: the skill
    never creates tables), and wait until it is ACTIVE.

    dynalite lacks UpdateTimeToLive, so TTL is not switched on here; the adapter treats
    expired items as absent on its own.
    """
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": PK_ATTR, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": PK_ATTR, "AttributeType": "S"}],
        BillingMode=BILLING_MODE,
    )
    deadline = time.monotonic() + 10
    while client.describe_table(TableName=table)["Table"].get("TableStatus") != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {table} did not become ACTIVE within 10 s")
        time.sleep(0.01)
