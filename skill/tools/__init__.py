"""Tools around the skill that the Lambda never runs: the local resolver (typed words ->
intent and slots, from the interaction model), request envelopes as Alexa would send them,
speech synthesis with gTTS (the ``speech`` extra) and the deployment builders (the Lambda zip,
the skill package). They may import ``skill.runtime``; never a host."""
