"""Qualification frameworks, interviews, placements, assessments and sign-off."""
