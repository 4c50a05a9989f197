"""The model checks (registered on import)."""
