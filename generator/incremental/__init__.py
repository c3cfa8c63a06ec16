"""The speed layer: caches, change detection and parallel work wrapped around the pipeline."""
