"""Certificate issue, PDF rendering, sealing, verification and revocation."""
