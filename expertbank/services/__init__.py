"""Core services: users, invitations, sending, PDF. Domain apps call these; these call no domain app."""
