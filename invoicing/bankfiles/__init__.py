"""Bank files of the invoicing app, read and written without models: pure functions on bytes."""
