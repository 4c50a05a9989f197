"""The model suite's checks of a recommender (``[model].task = "ranking"``): its lists against
the held-out interactions and the baselines (:mod:`.quality`), and what every list must be
(:mod:`.behaviour`)."""
