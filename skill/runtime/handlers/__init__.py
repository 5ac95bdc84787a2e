"""Thin ask-sdk handlers: requests become events, replies become responses, nothing more.

``pipeline`` is the one path every spoken turn takes (facts -> event -> turn runner(dialog) ->
response); ``translate`` reads the envelope, ``render`` writes the response. May import the
SDK, the dialog and the runtime's clients; never a store (the turn runner owns it), a host or
a tool.
"""
