"""Heart to Heart: an Alexa skill of short spoken rituals for couples."""
