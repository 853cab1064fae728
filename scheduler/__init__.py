"""Reminders and announcements: plan who gets what when, fire on APScheduler, keep a ledger.

``planner`` (pure) plans; ``task_plans`` reads the plan lean; ``timetable`` caches what is
planned when; ``recipients`` claims who gets what and ``compose`` says it; ``sending`` paces the
sending; ``outcomes`` records what came of it; ``reminders`` is the run loop (with ``leader`` for
several instances); ``announcements`` delivers /thongbao the same way.
"""
