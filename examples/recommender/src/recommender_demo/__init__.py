"""recommender-demo: a movie recommendation service: interactions in, k items per user out."""

__version__ = "0.1.0"
