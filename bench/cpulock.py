"""The shared-machine CPU lock: hold $BENCH_LOCK (flock(2), the lock flock(1) takes) around a group of
CPU-heavy commands, so that benchmarks on a shared machine do not time each other's work."""
import contextlib
import fcntl
import os


@contextlib.contextmanager
def cpu_lock():
    lock = os.environ.get("BENCH_LOCK")
    if not lock:
        yield
        return
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
