"""Domain errors of training; their messages are shown to the person as they are."""


class TrainingError(Exception):
    """A training change cannot be made; the message says why and what to do."""


class DuplicateApplicationError(TrainingError):
    """The same e-mail address has already applied to this cohort."""
