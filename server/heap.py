"""The server's garbage collector: the data kept from one publish to the next is left out of its passes.

A server at five years of data holds about 700,000 container objects that live for hours (the
store's documents, what the last publish read and made). Python's collector walks all of them in
each full pass, and a publish allocates enough to set one off nearly every time: about 1.2 s of a
publish that should take a few seconds. After each publish what is alive is frozen (`gc.freeze`),
so that passes walk only what was made since.

A frozen object is still freed when nothing refers to it; only garbage held in reference cycles
would stay. So once the frozen objects have grown by half since the last full pass, one full pass
runs over everything (at the end of a publish, when no one waits on it), and the count starts anew.
"""

from __future__ import annotations

import gc
import threading

GROWTH = 1.5  # frozen objects, relative to what the last full pass left, that bring on the next one


class _Frozen:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.baseline = 0  # frozen objects just after the last full pass (0: none yet)
        self.full_passes = 0


_STATE = _Frozen()  # one per process: the collector is the process's


def settle_after_publish(growth: float = GROWTH) -> bool:
    """Freeze what is alive now; first a full pass if the frozen objects grew too much. True if it ran."""
    with _STATE.lock:
        gc.freeze()  # moves lists, whatever their length: cheap, and so is undoing it
        if _STATE.baseline and gc.get_freeze_count() <= _STATE.baseline * growth:
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _STATE.baseline = gc.get_freeze_count()
        _STATE.full_passes += 1
        return True
