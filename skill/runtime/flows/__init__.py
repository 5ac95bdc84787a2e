"""Pure dialog logic: ``(state, event, context) -> (state', Reply)``.

Nothing in this package imports ask-sdk, boto3, Flask or sqlite3, or does any I/O: flows are
replayable, so a conversation can be tested as a script and re-run after a storage conflict.

What lives here:

* ``kit/``: what every activity shares (events, the flow context, the activity declaration,
  places, people, the journal, screens, scoring). It imports no activity.
* one package or module per activity (``home``, ``tonight``, ``names``, ``games``,
  ``listening``, ``gratitude``, ``evening``, ``reminders``, ``privacy``), each ending in its
  ``ACTIVITY`` declaration. An activity imports only the kit and the runtime below flows,
  never another activity, the registry or the dialog (import-linter checks it).
* ``registry``: the one list of activities, and the tables built from it.
* ``dialog``: routes each event through the registry's tables.
"""
