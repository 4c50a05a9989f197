"""The load checks: the team's real service under a real Locust run.

Each module of this package declares its checks in ``SPECS``; the suite (:mod:`.suite`)
collects them when they run. :func:`.check.run_worker` runs a Locust worker for a master
started with ``sekit check load --master``.
"""
