"""The reminder stack (the ledger, PTB against the local Bot API server) for every test here."""

from tests.scheduler.test_reminders import stack

__all__ = ["stack"]
