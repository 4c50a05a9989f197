"""Checks of a model that answers in language (an LLM behind an endpoint): the output
contract per input family (:mod:`.contract`) and prompt-injection probes with the guard's
effect and cost (:mod:`.injection`, probes from :mod:`.probes`)."""
