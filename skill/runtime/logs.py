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


def lean_records() -> None:
    """Stop building the log record fields no Lambda log line prints.

    Lambda's runtime formats a line from its level, time, request id and message. Every
    record still walked the stack for its caller's file, function and line, and looked up
    its thread, process and multiprocessing names: about 5 µs of the turn's log line, a
    fortieth of a warm turn. These are the switches the logging HOWTO's "Optimization"
    section names. An exception's traceback keeps its lines (it is built from the exception,
    not from these fields); a record's ``funcName`` and ``lineno`` read as unknown."""
    logging._srcfile = None  # the documented switch for the caller walk
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    if hasattr(logging, "logAsyncioTasks"):  # Python 3.12 and later
        logging.logAsyncioTasks = False
