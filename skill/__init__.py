"""Heart to Heart: an Alexa skill of short spoken rituals for couples.

The package has three parts, and imports only ever point down this list:

* ``skill.hosts``: what hosts the skill on a machine of your own: the web service with its
  simulator, the terminal chat and the ``heart-to-heart`` command line. May import the tools
  and the runtime.
* ``skill.tools``: the tooling around the skill: the local resolver built from the interaction
  model, request envelopes, speech synthesis, the preview command and deployment. May import
  the runtime, never a host.
* ``skill.runtime``: everything the Lambda function runs, and nothing else. The Lambda zip is
  this package and its runtime dependencies. Imports neither hosts nor tools.
"""
