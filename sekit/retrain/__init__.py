"""The retraining loop (``sekit retrain``): the feedback that came back from the running system
goes into a new model, and that model replaces the deployed one only when the checks say so.

One run, in order, each step recorded (:mod:`sekit.retrain.loop`):

1. **pull**: ``[retrain].pull`` brings the feedback into the training data (the scaffold's
   ``python -m <package>.feedback``; in CI ``--from`` the deployed service);
2. **decide** (:mod:`sekit.retrain.policy`): retrain only when the policy says so: at least
   ``min_labels`` new labels since the last retraining, ``sekit check monitor`` failing
   (``on_monitor``), or the last retraining older than ``every``; ``--force`` retrains anyway;
3. **train**: ``[retrain].train`` (``dvc repro``);
4. **gate**: the checks that judge the new model (every configured suite except those that
   judge the running system's past: monitor and experiment; release runs next) and the
   ``[gates]`` on their metrics;
5. **golden** (:mod:`sekit.retrain.golden`): the new model against the champion on
   ``[retrain].golden``, rows kept aside before any feedback joined the data: it must not be
   worse there (non-inferiority, McNemar's exact test); skipped, and recorded so, without
   that key;
6. **release**: ``sekit check release`` of the new model against the champion on the real
   service; its decision must be *promote*;
7. **promote**: ``[retrain].promote`` (the scaffold moves the registry's ``champion`` alias);
8. **switch**: ``POST <reload>/admin/reload`` tells the running service to load the champion
   beside the serving model and swap it in one step (no request fails), then ``/health`` must
   show the new version. Where the reload URL's variable is not set, the service of a
   ``sekit up`` running for the project is switched (:mod:`sekit.system.state`).

A step that fails stops the loop: nothing after it runs, the champion stays, the record says
which step and why, and the exit code is 1 (fail closed: an unmeasured model is never
promoted). No trigger, or a promotion that went through, is exit 0. Every run appends one
JSON line to ``[retrain].record`` (``retrain/history.jsonl``): commit it, it is the loop's
history and the next run's memory (when it last retrained, how many labels it had).
"""

from __future__ import annotations

from sekit.retrain.loop import Outcome, retrain
from sekit.retrain.policy import history, triggers

__all__ = ["Outcome", "history", "retrain", "triggers"]
