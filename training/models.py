"""Programmes, cohorts, sessions and attendance: built by the training issue."""
