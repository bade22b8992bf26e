"""Clients, cases and the validation journey."""
