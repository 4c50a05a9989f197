"""Terminal rendering (rich). Only the command layer imports rich."""
