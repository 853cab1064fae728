"""The command engine: parse, authorise, act, answer. No platform code lives here."""
