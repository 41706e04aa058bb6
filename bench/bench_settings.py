"""backcare's settings plus one bare view, the reference ceiling for the benchmark."""

from backcare.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
