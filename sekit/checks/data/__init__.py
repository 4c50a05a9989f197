"""The data checks (registered on import)."""
