"""The tests suite: the team's own tests, run by sekit with coverage (``tests.coverage``)."""
