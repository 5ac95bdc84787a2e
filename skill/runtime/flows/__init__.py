"""Pure dialog logic: ``(state, event, content, now, rng) -> (state', Reply)``.

Nothing in this package imports ask-sdk, boto3, Flask or sqlite3, or does any I/O: flows are
replayable, so a conversation can be tested as a script and re-run after a storage conflict.
"""
