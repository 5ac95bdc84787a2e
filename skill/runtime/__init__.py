"""What the Lambda function runs: the composition root (``app``), settings, content, state,
the dialog's flows, the ask-sdk handlers, the stores and the Amazon API clients it calls.

Nothing here imports ``skill.hosts`` or ``skill.tools``; its third-party imports are the
runtime dependencies (``pip install .``) plus boto3, which the Lambda runtime provides.
"""
