"""The endpoint suite: the team's client of a given model endpoint, under the faults the
endpoint will show in production (429s, time-outs), proven on a faulty stand-in on loopback
(:mod:`sekit.endpoint.faults`). Its checks are collected by the suite (:mod:`.suite`)."""
