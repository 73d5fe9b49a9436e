"""Registrations of this part of the meetings app (permissions, audit codes, steps, home tasks, demo)."""
