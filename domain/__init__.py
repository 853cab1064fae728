"""Pure domain logic: reading the plan's dates, names and statuses. No I/O, no clock."""
