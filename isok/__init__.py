"""isok: case management for the validation of immigrants' non-formal and informal learning."""

from isok.app import create_app

__all__ = ["create_app"]
