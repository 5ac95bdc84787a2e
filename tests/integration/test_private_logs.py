"""Logs hold no personal data at any level: a whole conversation at DEBUG, scanned.

Through ``lambda_function.handler`` on dynalite (a real DynamoDB-compatible server, so
botocore really sends and receives the household), with ``HEART_LOG_LEVEL=DEBUG``. Every
record any logger emits is captured and searched for the names the couple gave, their
personId, their Amazon user id and the words they said. A control run with botocore's cap
lifted shows the scan is not vacuous: botocore would have logged the names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from skill.runtime.logs import BODY_LOGGERS
from tests.support.dialog import Dialog, load_handler
from tests.support.dynalite import TEST_REGION

pytestmark = pytest.mark.integration

USER = "amzn1.ask.account.PRIVATEUSER0123456789"
PERSON = "amzn1.ask.person.PRIVATEPERSON0123456789"
NAMES = ("Rosalind", "Bartholomew")
SAID = [
    "open heart to heart",
    "call us Rosalind and Bartholomew",
    "tonight's question",
    "a question about dreams",
    "a gratitude prompt",
    "stop",
]
SECRETS = (*NAMES, USER, PERSON, "call us", "about dreams")


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {record.levelname} {text}")


@pytest.fixture
def captured() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_conversation_at_debug_logs_no_names_ids_or_words(
    captured: Everything, dynalite_endpoint: str, dynamodb_table: str
) -> None:
    store = f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={dynalite_endpoint}"
    handler = load_handler(store, HEART_LOG_LEVEL="DEBUG")
    assert logging.getLogger().level == logging.DEBUG
    dialog = Dialog(handler, user=USER, person_id=PERSON)
    for line in SAID:
        dialog.say(line)
    assert any("turn key=" in line for line in captured.lines), "the skill did log its turns"
    leaks = [line for line in captured.lines if any(s in line for s in SECRETS)]
    assert leaks == []

    # Control: lift the cap and botocore writes the stored household, names and all.
    botocore = logging.getLogger("botocore")
    assert "botocore" in BODY_LOGGERS and botocore.level == logging.WARNING
    botocore.setLevel(logging.NOTSET)
    try:
        Dialog(handler, user=USER, person_id=PERSON).say("open heart to heart")
    finally:
        botocore.setLevel(logging.WARNING)
    assert any(NAMES[0] in line for line in captured.lines), "the control should leak"
