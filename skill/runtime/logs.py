"""Logging that holds no personal data at any level.

The skill's own log lines carry only hashed keys, request types, intent names and error
types. Libraries are another matter: at DEBUG, botocore logs whole GetItem and PutItem
bodies (names, voice ids) and urllib3 and gTTS log URLs and text. ``quiet_libraries`` caps
those loggers at WARNING, whatever level the root logger is set to; every entry point calls
it once at start-up.
"""

from __future__ import annotations

import logging

#: Loggers that would write request or response bodies, URLs or spoken text below WARNING.
BODY_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer", "gtts")


def quiet_libraries() -> None:
    """Cap the body-logging libraries at WARNING (their children inherit it)."""
    for name in BODY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
