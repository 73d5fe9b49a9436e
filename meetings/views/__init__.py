"""Thin views over meetings.services."""
