"""Comparing two answers of the same page."""

import re


def without_csrf_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked: each is signed with the second it was made, so two answers a second
    apart differ there and nowhere else."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page)
