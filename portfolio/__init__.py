"""The client's portfolio: entries, evidence files, mapping to learning outcomes."""
