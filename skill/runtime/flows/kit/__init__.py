"""The kit every activity shares, and nothing else: events, the flow context, the activity
declaration, places in the conversation, people (names and voices), the journal, screens and
scoring.

May import ``skill.runtime`` (content, replies, state, intents, nights) and other kit modules.
Never imports an activity or the dialog: that is what keeps activities independent.
"""
