"""Booking pages: the unit portal (unit.py), the coordinator's pages (coordinator.py) and the
expert's gig pages (expert.py). Views are thin: a form, one service, a redirect."""
