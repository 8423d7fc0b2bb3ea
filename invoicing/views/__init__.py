"""Invoicing pages: the coordinator's invoices and runs (``invoices``), incoming payments
(``payments``), and the unit's own invoices (``unit``). Views are thin: a form, one service."""
