"""Hosts: the web service (verified ``POST /alexa``, the simulator), the terminal chat, the
command line and the authors' preview command. They build the skill through
``skill.runtime.app`` and may use ``skill.tools``; nothing in the runtime or the tools imports
them. Their dependencies (Flask, cryptography, certifi, gunicorn) come with the ``web`` extra."""
