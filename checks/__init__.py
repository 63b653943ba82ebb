"""Reliability and security checks that print figures: crash, fuzz, access (see README)."""
