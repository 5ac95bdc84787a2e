"""Deployment tooling run from a source checkout: the Lambda zip and the ASK skill package.

Nothing here runs on Lambda or in a turn; the zip builder leaves this package out.
"""
