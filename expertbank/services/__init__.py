"""Core services: users, invitations, sending, PDF. Domain apps call these, never the reverse."""
