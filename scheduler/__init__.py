"""Reminders: plan who gets what when, fire on APScheduler, keep a delivery ledger.

The ledger table (``db.models.Reminder``) exists from the first schema revision; the planner
and the delivery loop arrive with the reminders work (issue #4).
"""
