"""Worker processes for `copydesk serve`: each keeps a warm Linter (model loaded, parse cache), runs one check
at a time, and is replaced when it dies or overruns its time."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

# A worker that has not loaded its model and answered within this many seconds is taken for dead.
READY_TIMEOUT = 180.0


class PoolError(Exception):
    """A check the pool could not run; `status` is the HTTP status the service answers with."""

    status = 500
    code = "internal_error"


class Busy(PoolError):
    status, code = 503, "busy"


class TimedOut(PoolError):
    status, code = 504, "timeout"


class WorkerDied(PoolError):
    status, code = 500, "worker_died"


def _worker_main(conn, profiles: dict[str, str | None], preview: bool) -> None:
    """A worker process: build a Linter per profile, load the model, say ready, then answer jobs until told to
    stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server handles Ctrl-C and SIGTERM, then stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from copydesk.quiet import quiet_third_parties

    quiet_third_parties()
    from copydesk import api
    from copydesk.service.jobs import run_job

    try:
        linters = {}
        for name, config in profiles.items():
            # One parse cache for every profile: parses depend on the text and the model, not on settings.
            shared = next(iter(linters.values())).parse_cache if linters else None
            linters[name] = api.Linter(config if config else False, preview=preview, parse_cache=shared)
            # Load the model and every selected rule's data now, not on the first request.
            linters[name].check_text("The harbour board met on Monday. It said the pier would reopen in May.",
                                     "warm-up.txt")
    except Exception as exc:  # a model that will not load: said once, in one line, by the server
        try:
            conn.send(("failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        except OSError:  # the server already gave up (another worker's failure said it): nothing to add
            pass
        return
    try:
        conn.send(("ready", os.getpid()))
    except OSError:
        return  # the server stopped while this worker was starting
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            conn.send(("ok", run_job(linters, job)))
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # a bad selection, or a bug: one line back, never a traceback
            conn.send(("error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")))


@dataclass
class Worker:
    process: Any
    conn: Any
    pid: int
    retired: bool = False  # being replaced: an idle copy of it still in the queue is skipped, not replaced again

    def alive(self) -> bool:
        return self.process.is_alive()

    def call(self, job: dict[str, Any]) -> tuple[str, Any]:
        """Blocking: send a job and wait for its answer (run in a thread, never on the event loop)."""
        try:
            self.conn.send(job)
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            return ("died", None)

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        try:
            self.conn.close()
        except OSError:
            pass


class WorkerPool:
    """`size` worker processes behind a bounded queue. At most `size` checks run at once; at most
    `max_queue` more wait for a worker; past that a request is refused at once (Busy), so a burst cannot
    pile up unbounded work. A check past its time limit is abandoned and its worker killed and replaced;
    a worker that dies is replaced and its check retried once on another."""

    def __init__(self, size: int, config: str | None = None, preview: bool = False, max_queue: int = 64,
                 profiles: dict[str, str | None] | None = None):
        self.size = size
        # Named configs a request may pick ("profile"); "default" is `config`.
        self.profiles = {"default": config, **(profiles or {})}
        self.preview = preview
        self.max_queue = max_queue
        self.waiting = 0
        self.running = 0
        self.replaced = 0
        self._context = multiprocessing.get_context("spawn")  # never fork a process running an event loop
        self._idle: asyncio.LifoQueue[Worker] | None = None
        self._workers: list[Worker] = []
        self._threads = ThreadPoolExecutor(max_workers=size * 2 + 2, thread_name_prefix="copydesk-pool")
        self._lock = threading.Lock()
        self._closing = False

    # -- life cycle ------------------------------------------------------------------------------------------

    def _spawn(self) -> Worker:
        """Blocking: start a worker and wait until its model is loaded."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self.profiles, self.preview), daemon=True,
                                        name="copydesk-serve-worker")
        process.start()
        child.close()
        if not parent.poll(READY_TIMEOUT):
            process.kill()
            raise RuntimeError("a worker process did not start (model load took too long)")
        try:
            tag, value = parent.recv()
        except (EOFError, OSError):
            raise RuntimeError("a worker process exited while starting") from None
        if tag != "ready":
            process.join(timeout=5)
            raise RuntimeError(value)
        pid = value
        worker = Worker(process, parent, pid)
        with self._lock:
            self._workers.append(worker)
        return worker

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        # Last in, first out: a lone editor's re-checks go to the worker that checked the draft a moment ago,
        # whose parse cache holds every paragraph but the edited one.
        self._idle = asyncio.LifoQueue()
        workers = await asyncio.gather(*(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)
        self._watch = asyncio.ensure_future(self._watch_idle())

    async def _watch_idle(self) -> None:
        """Replace a worker that dies while idle (killed from outside, out of memory) within a second. The idle
        queue is last-in first-out, so one at the bottom could otherwise wait a long time to be found."""
        while not self._closing:
            await asyncio.sleep(1.0)
            with self._lock:
                dead = [w for w in self._workers if not w.retired and not w.alive()]
            for w in dead:
                asyncio.ensure_future(self._replace(w))

    async def close(self) -> None:
        """Stop every worker: a polite stop first, then a kill for one that does not go."""
        self._closing = True
        if getattr(self, "_watch", None) is not None:
            self._watch.cancel()
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, w.process.join, 5) for w in workers))
        for w in workers:
            if w.process.is_alive():
                w.kill()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._workers if w.alive()]

    def _forget(self, worker: Worker) -> None:
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    async def _replace(self, worker: Worker) -> None:
        """Kill a worker (if it still runs) and start another in its place, in the background."""
        if worker.retired:
            return
        worker.retired = True
        self._forget(worker)
        try:
            worker.process.kill()  # at once, not queued behind anything: its blocked call returns "died"
        except (OSError, ValueError):
            pass
        loop = asyncio.get_running_loop()
        # Reaping and spawning block; they use the loop's default executor, never the threads that wait on
        # workers' answers, so a pool whose every call thread is busy can still heal itself.
        await loop.run_in_executor(None, worker.kill)
        if self._closing:
            return
        try:
            fresh = await loop.run_in_executor(None, self._spawn)
        except RuntimeError as exc:
            print(f"copydesk serve: {exc}; trying again", file=sys.stderr, flush=True)
            await asyncio.sleep(1.0)
            worker.retired = False  # let the retry through
            asyncio.ensure_future(self._replace(worker))  # the pool stays short meanwhile
            return
        self.replaced += 1
        if self._closing:
            fresh.kill()
            return
        self._idle.put_nowait(fresh)

    # -- checks ----------------------------------------------------------------------------------------------

    async def check(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Run a job on a free worker within `timeout` seconds (waiting for a worker included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for attempt in range(2):
            worker = await self._acquire(deadline)
            self.running += 1
            try:
                call = loop.run_in_executor(self._threads, worker.call, job)
                tag, value = await asyncio.wait_for(call, max(0.001, deadline - loop.time()))
            except asyncio.TimeoutError:
                asyncio.ensure_future(self._replace(worker))
                raise TimedOut(f"the check took longer than {timeout:g} s") from None
            finally:
                self.running -= 1
            if tag == "died":
                asyncio.ensure_future(self._replace(worker))
                if attempt == 0:
                    continue  # a check is idempotent: run it again on another worker
                raise WorkerDied("the worker running this check died twice; try again")
            self._idle.put_nowait(worker)
            if tag == "error":
                raise PoolError(f"internal error: {value}")
            return value
        raise WorkerDied("no worker could run this check")

    async def _acquire(self, deadline: float) -> Worker:
        loop = asyncio.get_running_loop()
        if self._idle.empty() and self.waiting >= self.max_queue:
            raise Busy("every worker is busy and the queue is full")
        self.waiting += 1
        try:
            while True:
                try:
                    worker = await asyncio.wait_for(self._idle.get(), max(0.001, deadline - loop.time()))
                except asyncio.TimeoutError:
                    raise TimedOut("no worker became free in time") from None
                if worker.retired:
                    continue  # the watch found it dead and a replacement is on its way
                if worker.alive():
                    return worker
                asyncio.ensure_future(self._replace(worker))  # died while idle (killed from outside)
        finally:
            self.waiting -= 1
