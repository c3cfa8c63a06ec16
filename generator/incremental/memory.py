"""Keep the garbage collector out of the way while a build makes many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector in a block that makes many long-lived, acyclic objects.

    Such a block would otherwise set off full collections that walk every object of the build
    again and again, for nothing; objects are still freed by reference counting meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
