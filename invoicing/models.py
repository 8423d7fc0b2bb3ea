"""Invoices, fee statements and bank files: built by the money issues."""
