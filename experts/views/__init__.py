"""Pages of the expert pool: ``portal`` for the expert, ``coordinator`` and ``imports`` for
coordinators."""
