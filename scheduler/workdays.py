"""Vietnamese working days: see ``domain.workdays`` (shared with the handlers, which compute a
snooze's instant)."""

from domain.workdays import is_working_day, next_working_day, previous_working_day

__all__ = ["is_working_day", "next_working_day", "previous_working_day"]
