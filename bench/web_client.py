"""The load generator: one keep-alive connection, one request in flight, for a bounded time.

Usage: ``python -m bench.web_client PORT KEY_FILE SECONDS`` prints JSON: the completion time
of every request (seconds from the start), its latency, and the number of non-200 answers.
Bodies are LaunchRequests signed beforehand with the test leaf's key (timestamps fresh for
the whole run), so the client spends its time sending, not signing.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.certs import CERT_URL, load_key, sign
from skill.tools.envelopes import Conversation

POOL = 64


def main() -> None:
    port, key_file, seconds = int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    key = load_key(key_file)
    now = datetime.now(UTC)
    requests = []
    for i in range(POOL):
        conversation = Conversation(user_id=f"amzn1.ask.account.web-{i % 8}-{uuid.uuid4().hex[:6]}")
        body = json.dumps(conversation.launch(now)).encode()
        headers = {
            "Content-Type": "application/json",
            "SignatureCertChainUrl": CERT_URL,
            "Signature-256": sign(body, key),
        }
        requests.append((body, headers))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done: list[float] = []
    latency: list[float] = []
    failures = 0
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds
    i = 0
    while True:
        t0 = time.perf_counter()
        if t0 >= deadline:
            break
        body, headers = requests[i % POOL]
        i += 1
        connection.request("POST", "/alexa", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        t1 = time.perf_counter()
        if response.status != 200:
            failures += 1
            statuses[response.status] = statuses.get(response.status, 0) + 1
        done.append(t1 - started)
        latency.append(t1 - t0)
    connection.close()
    print(
        json.dumps({"done": done, "latency": latency, "failures": failures, "statuses": statuses})
    )


if __name__ == "__main__":
    main()
