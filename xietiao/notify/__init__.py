"""Reminders that reach people: what is due, to whom, by e-mail and chat robots, once a day each.

Lives here: `settings` (the typed `notifications:` settings and their checked loader), `reminders`
(the Reminder value and the pluggable sources), `sources` (reports, closures, the cycle's steps,
approvals, materials), `events` (reminders raised by journalled events), `recipients` (who gets a
reminder, account e-mail addresses), `messages` (each channel's text within its limits), `outbox`
(the durable sent-log with de-duplication and back-off), `channels` (SMTP and the robots' HTTP),
`ratelimit`, `run` (one scheduled pass and one delivery pass, as the server's scheduler calls them).
May import: the standard library (smtplib, urllib), PyYAML, `xietiao.store`, `xietiao.forms`,
`xietiao.cycle`, `xietiao.ledger` and the top-level domain modules.
"""
