"""Thin ask-sdk handlers: requests become events, replies become responses, nothing more."""
