"""The experiment suite: an A/B or canary run read from the served log (sticky assignment,
sample-ratio mismatch, the difference between the arms with its interval, power, a decision)."""
