"""Web entry point: Flask app, Alexa request verification, the speaker simulator page."""
