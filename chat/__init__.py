"""The chat kernel: what everyone who talks to members shares (the engine, the reminders, the
reports, the channels): inbound and reply types, the texts, task views and their rendering, the
status actions, who can be reached, and the delivery contract of an outbox."""
