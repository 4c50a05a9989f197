"""The load checks (registered on import)."""
