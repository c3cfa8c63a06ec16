"""Spread pure work over the machine's cores: forked workers inherit the job, only results travel back.

Big cold builds parse entries and render pages here. Small jobs, one-core machines and systems
without `fork` run in this process, in order, with the same results.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # imported when first needed: small builds never start a pool
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")

PARALLEL_FROM = 200  # fewer items than this are done in this process: forking would cost more than it saves
LONG_ITEMS_FROM = 8  # spread(): so many items of long work are worth forking for
#: Items go to workers in this many chunks each, so that the cores finish together: at the end, this process
#: waits for the chunks already handed to a worker (up to three), so the smaller they are, the shorter the wait.
CHUNKS_PER_WORKER = 64
HELD_AHEAD = 2  # chunks done here ahead of the one due, at most, with `in_order`
SMALLEST_CHUNK = 16  # items; smaller chunks cost more in messages than they save in waiting

#: While this process works, the pool's threads (which read results and feed the workers) wait this long
#: at most for their turn: with Python's default 5 ms, each pipe read of a big result waits that long.
SWITCH_INTERVAL = 0.0002

_job: Callable[[int], Any] | None = None  # set before the workers fork, so they inherit it without pickling


def workers() -> int:
    """Return how many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Return True when worker processes can be forked here."""
    import multiprocessing  # here: an edit's quick rebuild never forks, and need not load it

    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(function: Callable[..., T], *iterables: Iterable[Any]) -> Iterator[T]:
    """Yield function(*args) for each row of the iterables, in order, like map(); in forked workers when big."""
    rows = list(zip(*iterables))
    return indexed_map(lambda index: function(*rows[index]), len(rows))


def spread(job: Callable[[Any], T], items: Sequence[Any]) -> Iterator[T]:
    """Yield job(item) for each item, in order, over all the cores once there are a few: for items that each
    take tens of milliseconds (a recording read, cut and drawn), where PARALLEL_FROM is made for quick ones."""
    processes = workers() if len(items) >= LONG_ITEMS_FROM else 1
    return indexed_map(lambda index: job(items[index]), len(items), processes=processes)


def indexed_map(job: Callable[[int], T], count: int, meanwhile: Callable[[], object] | None = None, *,
                processes: int | None = None, in_order: bool = False) -> Iterator[T]:
    """Yield job(0), job(1), ... job(count - 1) in order; in forked workers when there are many.

    `meanwhile` is called once before the first result: while the workers start on their chunks
    when there are workers, so that this process's own task overlaps with theirs. `processes`,
    when given, is how many processes share the work (this one among them), whatever the count.
    `in_order`: this process helps with the next chunks rather than the last (see _forked), for big results.
    """
    if processes is None:
        processes = min(workers(), count // max(PARALLEL_FROM // 2, 1)) if count >= PARALLEL_FROM else 1
    processes = min(processes, count)
    if processes < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return map(job, range(count))
    return _forked(job, count, processes, meanwhile, in_order)


def _forked(job: Callable[[int], T], count: int, processes: int,
            meanwhile: Callable[[], object] | None = None, in_order: bool = False) -> Iterator[T]:
    """Yield the job's results, in order, from forked workers and this process; redo here what a broken pool lost.

    Every chunk is queued for the workers. While the chunk due next is not ready, this process takes
    the last chunk no worker has started and does it itself (work stealing from the tail), so the
    cores stay busy to the end however uneven the chunks. Helping rather than adding a worker also
    means one copy fewer of the pages that the workers' reads of inherited objects duplicate.

    The results of the chunks done from the tail wait here until their turn comes, at the end: fine
    for small results, not for big ones (share cards). `in_order` takes the next chunks no worker
    has started instead, at most HELD_AHEAD of them ahead of the one due, so that few results wait.
    """
    global _job
    _job = job
    size = max(min(SMALLEST_CHUNK, count), count // (processes * CHUNKS_PER_WORKER))
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    gc.freeze()  # the workers' collections then skip inherited objects instead of copying every page they touch
    give_back_free_memory()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = _submit(pool, chunks)
        if meanwhile is not None:
            meanwhile()
        done_here: dict[int, list[Any]] = {}
        tail = len(chunks) - 1  # chunks after this one are done here or started by a worker
        ahead = 0  # in order: chunks up to this one are done here, started by a worker, or taken
        for index, chunk in enumerate(chunks):
            future = futures.pop(index, None)  # its results are let go of once taken
            if in_order:
                ahead = max(ahead, index)
                while (future is not None and not future.done() and len(done_here) < HELD_AHEAD
                       and ahead + 1 < len(chunks)):
                    ahead += 1
                    _steal(futures, chunks, ahead, job, done_here)
            while future is not None and not future.done() and tail > index and not in_order:
                tail = _steal(futures, chunks, tail, job, done_here)
            if index in done_here:
                yield from done_here.pop(index)
            else:
                yield from _chunk_results(future, job, chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        sys.setswitchinterval(switch)
        gc.unfreeze()
        _job = None


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system, before forking (glibc's malloc_trim; elsewhere nothing).

    A big build frees much of what it made (the pages' text, say) in pieces the heap keeps. A worker
    forked with them would write its own objects into them, a copied page at a time: handed back,
    they cost neither process anything until used, and then only the one that uses them.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return the C library's malloc_trim, where there is one."""
    import ctypes  # here: only a forking build needs it

    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return None


def _submit(pool: ProcessPoolExecutor, chunks: list[range]) -> dict[int, Future[list[Any]]]:
    """Queue every chunk for the workers; stop queueing when no worker can start."""
    futures: dict[int, Future[list[Any]]] = {}
    try:
        for index, chunk in enumerate(chunks):
            futures[index] = pool.submit(_run_chunk, chunk.start, chunk.stop)
    except (BrokenExecutor, OSError):
        pass  # no worker process here (cannot fork, or one died at once): the rest is done in this process
    return futures


def _steal(futures: dict[int, Future[list[Any]]], chunks: list[range], tail: int, job: Callable[[int], Any],
           done_here: dict[int, list[Any]]) -> int:
    """Do the chunk at `tail` here if no worker has started it; return the new tail."""
    future = futures.get(tail)
    if future is None or future.cancel():
        done_here[tail] = [job(index) for index in chunks[tail]]
    return tail - 1


def _chunk_results(future: Future[list[T]] | None, job: Callable[[int], T], chunk: range) -> list[T]:
    """Return a chunk's results from its worker, or worked out here (when the pool broke)."""
    if future is not None:
        try:
            return future.result()
        except (BrokenExecutor, OSError):
            pass  # a worker died (killed, out of memory): do its part here
    return [job(index) for index in chunk]


def _run_chunk(start: int, stop: int) -> list[Any]:
    """Run the inherited job on a range of indexes (in a worker)."""
    assert _job is not None
    return [_job(index) for index in range(start, stop)]


def start_small_server(preload: Sequence[str]) -> None:
    """Start the server process that small_workers() forks its workers from, importing `preload` once.

    Call it early, while this process is still small: it is started by a vfork of this process,
    which (until it runs the server) counts this process's memory twice in a PSS sum of the tree.
    """
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    try:
        forkserver.ensure_running()
    except OSError:
        pass  # small_workers() then finds no pool to give


def stop_small_server() -> None:
    """Stop the small server, if it runs, and reap it: its workers' CPU time then counts among this process's children's.

    Without this, it ends when this process does, unreaped (and the time of every process it
    forked is nobody's).
    """
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # the standard library's own way (no public one)
    if stop is not None:
        try:
            stop()
        except OSError:
            pass


def small_workers(processes: int) -> ProcessPoolExecutor | None:
    """Return a pool of workers forked from a small server process (see start_small_server); None where there is none.

    A big build's workers forked from this process would share its memory, and every page either
    of them writes is copied; and a program they start by vfork (Pagefind, by subprocess) counts
    that memory twice until it runs. Workers forked from the small server have little to share.
    Their jobs and results travel pickled.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver"))


def in_thread(job: Callable[[], T]) -> Callable[[], T]:
    """Start job in a thread of this process; return the function that waits for the thread to end and gives its result.

    The thread has ended once that function returns, so a process forked afterwards has no other thread.
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, job()))
        except BaseException as exc:  # handed to the caller, as if the job had run there
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="footfall-ahead", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        done, value = outcome[0]
        if not done:
            raise value
        return value

    return result


def in_background(job: Callable[[], T]) -> Background[T]:
    """Start a pure job in a forked child while this process goes on; return what waits for its result.

    Only the (small) result travels back, pickled through a pipe. Where the child cannot be forked
    or fails, the job is done here when its result is asked for. Ask for it in any case, once at
    least: that is when the child is reaped.
    """
    if not can_fork():
        return Background(job)
    import pickle

    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return Background(job)
    if child == 0:  # the child: do the job, send the result, leave without running any clean-up of the parent's
        os.close(reading)
        try:
            data = pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(writing, view):]
        finally:
            os._exit(0)
    os.close(writing)
    return Background(job, child, reading)


class Background(Generic[T]):
    """A job started by in_background: call it for its result (worked out once, then kept)."""

    def __init__(self, job: Callable[[], T], child: int | None = None, reading: int = -1) -> None:
        self.job = job
        self.child = child  # the child working on it, until reaped (None: done here when asked)
        self.reading = reading  # the pipe its result comes through
        self.waited: list[T] = []

    def __call__(self) -> T:
        """Return the job's result, waiting for the child if need be."""
        if not self.waited:
            child, self.child = self.child, None
            self.waited.append(self.job() if child is None else _background_result(child, self.reading, self.job))
        return self.waited[0]


def _background_result(child: int, reading: int, job: Callable[[], T]) -> T:
    """Return what the child sent through the pipe; do the job here if it sent nothing whole."""
    import pickle

    chunks = []
    try:
        while chunk := os.read(reading, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(reading)
        os.waitpid(child, 0)
    try:
        return pickle.loads(b"".join(chunks))  # type: ignore[no-any-return]
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return job()
