"""backcare: a self-hosted back-care coach for people who sit at work."""

__version__ = "0.1.0"
