"""Let month-to-month temporaries reuse memory instead of faulting in fresh pages.

A step allocates a few dozen temporary arrays of one float per household. glibc serves
allocations above 128 KiB with a fresh ``mmap`` and returns them to the system when freed, so
every month the kernel zero-fills the same pages again: at 100,000 households that is about
half of the step time. Raising the mmap and trim thresholds makes glibc keep freed blocks in
its heap and hand them out again. This changes only where memory comes from, never a result.
On other C libraries it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's maximum on 64-bit systems
TRIM_THRESHOLD = 256 * 1024 * 1024

_tuned = False


def reuse_freed_memory() -> bool:
    """Tune glibc's allocator once per process; return whether it was tuned."""
    global _tuned
    if _tuned or not sys.platform.startswith("linux"):
        return _tuned
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    _tuned = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _tuned
