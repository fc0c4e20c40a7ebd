#!/usr/bin/env python3
# Copyright 2026 The strandq Authors.
"""A strandq pull worker in Python with asyncio, standard library only.

Leases events from `strandq serve` (POST /v1/leases) and runs `async def handle` on each as a
task of one event loop (no threads): up to --concurrency at once per process. A finished
handler frees its slot at once: its outcome goes in the next POST /v1/leases, which settles
before it leases the events that frees (two such requests may be in flight, on two keep-alive
connections, so an outcome never waits behind a long-poll). When nothing is ready it long-polls
(--wait-ms). A third connection extends (POST /v1/leases/extend) every lease held for more than
a third of its expires_in_ms. Each account's events come one at a time, in order; an event
whose lease ran out (this process stalled or died) goes to another worker.

    python3 examples/pull_worker_async.py --url http://127.0.0.1:8080 --concurrency 100

Pick it over examples/pull_worker.py when the handlers are async (aiohttp, asyncpg, ...) or
mostly wait, and for many slots per process: one thread runs them all. Replace `handle` with
your own work; blocking calls in it stall every slot of the process (run them with
`await asyncio.to_thread(...)`). SIGINT/SIGTERM: stop leasing, finish and settle the events in
hand, exit 0. --processes N runs N such processes (one interpreter lock each).
"""

import argparse
import asyncio
import json
import os
import selectors
import signal
import sys
import time
import urllib.parse

MAX_ITEMS = 1000  # the server's limit of leases or settle items per request
MAX_BODY = 64 << 20  # an answer larger than this is refused, not buffered


class Retry(Exception):
    """Raise from `handle` to have the event retried (after `retry_after_ms`, or the backoff)."""

    def __init__(self, error, retry_after_ms=None):
        super().__init__(error)
        self.retry_after_ms = retry_after_ms


class Dead(Exception):
    """Raise from `handle` for an event that can never succeed: it is dead-lettered now."""


async def handle(event, args):
    """The work. `event` has id, account, seq, attempt and payload (a string). Return to ack."""
    if args.nack_first_every and event["id"] % args.nack_first_every == 0 and event["attempt"] == 1:
        raise Retry("injected failure of attempt 1", retry_after_ms=5)
    if args.dead_every and event["id"] % args.dead_every == 0:
        raise Dead("injected permanent failure")
    if args.sleep_ms:
        await asyncio.sleep(args.sleep_ms / 1000.0)


class Unreachable(Exception):
    """The server could not be reached, or the connection broke before a whole answer came."""


class Refused(Exception):
    """The server answered with an error status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


async def within(seconds, coroutine):
    """Awaits `coroutine`, raising asyncio.TimeoutError after `seconds`."""
    if hasattr(asyncio, "timeout"):  # Python 3.11+: no task of its own
        async with asyncio.timeout(seconds):
            return await coroutine
    return await asyncio.wait_for(coroutine, seconds)


class Api:
    """One HTTP/1.1 keep-alive connection to strandq serve over asyncio streams: one request at
    a time, reconnecting when the server closed it. Answers have a Content-Length or are
    chunked. Use from the event loop's thread only."""

    def __init__(self, args, timeout_s=10.0):
        parts = urllib.parse.urlsplit(args.url)
        self.host, self.port = parts.hostname, parts.port or 80
        head = f"Host: {parts.netloc}\r\nContent-Type: application/json\r\n"
        head += f"Strandq-Worker: {args.name}\r\n"
        if args.token:
            head += f"Authorization: Bearer {args.token}\r\n"
        self.head = head
        self.timeout_s = timeout_s
        self.reader = self.writer = None

    async def post(self, path, body, wait_s=0.0):
        """POSTs `body` as JSON and returns the decoded answer of a 200. Raises Unreachable or
        Refused. A kept-alive connection that the server had closed is retried once (fresh)."""
        data = json.dumps(body, separators=(",", ":")).encode()
        request = (f"POST {path} HTTP/1.1\r\n{self.head}Content-Length: {len(data)}\r\n\r\n"
                   .encode() + data)
        for fresh in (self.writer is None, True):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.wait_for(
                        asyncio.open_connection(self.host, self.port), self.timeout_s)
                self.writer.write(request)
                status, answer = await within(self.timeout_s + wait_s, self.read_answer())
                break
            except Unreachable:
                self.close()
                raise
            except (OSError, EOFError, ValueError, asyncio.IncompleteReadError,
                    asyncio.TimeoutError) as e:
                self.close()
                stale = isinstance(e, (EOFError, ConnectionResetError, BrokenPipeError))
                if fresh or not stale:
                    what = "timed out" if isinstance(e, asyncio.TimeoutError) else str(e) or \
                        type(e).__name__
                    raise Unreachable(f"strandq serve at {self.host}:{self.port}: {what}")
        try:
            decoded = json.loads(answer) if answer else {}
        except ValueError:
            raise Refused(status, f"POST {path}: HTTP {status}: not JSON: {answer[:200]!r}")
        if status != 200:
            error = decoded.get("error", answer[:200]) if isinstance(decoded, dict) else answer
            raise Refused(status, f"POST {path}: HTTP {status}: {error}")
        return decoded

    async def read_answer(self):
        line = await self.reader.readline()
        if not line:
            raise EOFError("the server closed the connection")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise Unreachable(f"not an HTTP answer: {line[:80]!r}")
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n"):
                break
            if not line.endswith(b"\n"):
                raise EOFError("the connection broke in the answer's headers")
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await self.read_chunked()
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if not 0 <= length <= MAX_BODY:
                raise Unreachable(f"answer of {length} bytes refused")
            body = await self.reader.readexactly(length)
        else:  # the body runs to the end of the connection
            body = await self.reader.read(MAX_BODY)
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(parts[1]), body

    async def read_chunked(self):
        body = bytearray()
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip() or b"x", 16)
            if size == 0:
                while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise Unreachable("chunked answer too large")
            body += await self.reader.readexactly(size + 2)
            del body[-2:]

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Held:
    """A lease this process holds, from its grant until its settle was answered."""

    __slots__ = ("event", "renewed", "ttl_s", "task")

    def __init__(self, event, now):
        self.event, self.renewed, self.ttl_s = event, now, event["expires_in_ms"] / 1000.0
        self.task = None  # its handler (held here: the event loop keeps no reference)


class Worker:
    """Holds at most --concurrency leases and runs a task per lease. A slot is taken by the
    lease request that asks for it, until its handler finished and the request that carries its
    outcome was sent. Every method runs on the event loop's thread."""

    def __init__(self, args):
        self.args = args
        self.held = {}  # lease -> Held
        self.tasks = set()  # requests in flight
        self.running = 0  # handlers at work
        self.finished = []  # settle items not yet sent
        self.reserved = 0  # slots of the requests in flight (see start_requests)
        self.leasing = 0  # requests asking for leases in flight
        self.drained = False  # the last lease request got fewer than it asked: long-poll next
        self.idle = [Api(args), Api(args)]  # connections free for a request
        self.retry_at = 0.0
        self.backoff_s = 0.0
        self.failed_stopping = 0
        self.stopping = False
        self.fatal = None
        self.kicked = False  # a step is due in this turn of the event loop
        self.idle_since = time.monotonic()
        self.done = None  # resolved when the worker is done
        self.counts = {"acked": 0, "retrying": 0, "dead": 0, "refused": 0}

    def stop(self):
        self.stopping = True
        self.kick()

    async def run(self):
        """Runs until stopped (or idle for --exit-when-idle-ms) and nothing is in hand."""
        self.done = asyncio.get_running_loop().create_future()
        helpers = [asyncio.create_task(self.heartbeats()), asyncio.create_task(self.ticks())]
        self.kick()
        await self.done
        for task in helpers:
            task.cancel()
        for api in self.idle:
            api.close()

    async def ticks(self):
        """A step now and then: for backoffs and --exit-when-idle-ms."""
        while True:
            await asyncio.sleep(0.05)
            self.kick()

    def kick(self):
        """Has `step` run once, after the callbacks of this turn of the event loop (however
        many handlers finished in it)."""
        if not self.kicked:
            self.kicked = True
            asyncio.get_running_loop().call_soon(self.step)

    def step(self):
        self.kicked = False
        if self.fatal:
            return self.done.done() or self.done.set_result(None)
        self.start_requests()
        if self.held or self.finished:
            self.idle_since = time.monotonic()
        elif self.stopping:
            if len(self.idle) == 2 and not self.done.done():  # no long-poll in flight either
                self.done.set_result(None)
        elif self.args.exit_when_idle_ms and \
                (time.monotonic() - self.idle_since) * 1000 >= self.args.exit_when_idle_ms:
            self.stop()

    def start_requests(self):
        """Sends what is due on the free connections: outcomes (and the leases their slots
        free), or a lease request (a long-poll if the last one found too few)."""
        while self.idle and time.monotonic() >= self.retry_at:
            items = self.finished[:MAX_ITEMS]
            # A request holds the slots of its outcomes until the server settled them, then of
            # the leases it asked for (those and the free ones): the larger number of the two.
            # So the server never sees this process hold more than --concurrency leases.
            free = self.args.concurrency - self.running - len(self.finished) - self.reserved
            want = 0 if self.stopping else min(free + len(items), MAX_ITEMS)
            if not items and (want <= 0 or self.leasing):
                return
            wait_ms = self.args.wait_ms if self.drained and not items else 0
            del self.finished[:len(items)]
            reserved = max(want, len(items))
            self.reserved += reserved  # before the next turn of this loop reckons `free`
            self.leasing += want > 0
            task = asyncio.create_task(
                self.request(self.idle.pop(), items, want, wait_ms, reserved))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def request(self, api, items, want, wait_ms, reserved):
        """Sends `items` and asks for `want` leases (`reserved` slots, see start_requests)."""
        try:
            if want > 0:
                body = {"max": want, "wait_ms": wait_ms}
                if items:
                    body["settle"] = items
                answer = await api.post("/v1/leases", body, wait_s=wait_ms / 1000.0)
                results, leases = answer.get("settled", []), answer.get("leases", [])
            else:
                results, leases = await api.post("/v1/leases/settle", items), []
            self.backoff_s = 0.0
        except (Unreachable, Refused) as e:
            return self.failed(items, e)
        finally:
            self.reserved -= reserved
            self.leasing -= want > 0
            self.idle.append(api)
            self.kick()
        try:
            self.settled(items, results)
            if want > 0:
                self.drained = len(leases) < want
                self.start(leases)
        except (AttributeError, KeyError, TypeError) as e:  # not the answer the API documents
            print(f"pull_worker: unexpected answer from strandq serve: {e!r}", file=sys.stderr)

    def failed(self, items, error):
        """A request that failed: its outcomes go again with the next one, after a backoff (a
        400 settles nothing and would again: its leases are left to run out)."""
        if isinstance(error, Refused) and error.status == 401:
            self.fatal = "strandq serve refused the token (401): pass --token or STRANDQ_TOKEN"
            return
        self.backoff_s = min(max(self.backoff_s * 2, 0.1), 5.0)
        self.retry_at = time.monotonic() + self.backoff_s
        if isinstance(error, Refused) and error.status == 400:
            print(f"pull_worker: {error}; {len(items)} outcomes dropped", file=sys.stderr)
            self.settled(items, [{"error": str(error)}] * len(items))
            return
        self.finished[:0] = items
        print(f"pull_worker: {error}; retrying in {self.backoff_s:.1f}s", file=sys.stderr)
        if self.stopping and items:
            self.failed_stopping += 1
            if self.failed_stopping >= 5:
                self.fatal = (f"giving up: {len(self.finished)} outcomes unsent; their events "
                              "are delivered again once their leases run out")

    def start(self, leases):
        now = time.monotonic()
        for event in leases:
            held = self.held[event["lease"]] = Held(event, now)
            self.running += 1
            held.task = asyncio.create_task(self.run_handler(event))

    async def run_handler(self, event):
        item = {"lease": event["lease"], "outcome": "ack"}
        try:
            await handle(event, self.args)
        except Retry as e:
            item.update(outcome="nack", error=str(e))
            if e.retry_after_ms is not None:
                item["retry_after_ms"] = int(e.retry_after_ms)
        except Dead as e:
            item.update(outcome="dead", error=str(e))
        except Exception as e:  # a bug in the handler: retried, as a crash would be
            item.update(outcome="nack", error=f"{type(e).__name__}: {e}")
        self.running -= 1
        self.finished.append(item)
        self.kick()

    def settled(self, items, results):
        """Books the server's answer to each settle item; their leases are no longer held."""
        for item, r in zip(items, results):
            if r.get("ok"):
                self.counts[r["disposition"]] += 1
            else:  # the lease ran out before the settle: another worker has the event now
                self.counts["refused"] += 1
                print(f"pull_worker: settle refused: {r.get('error')}", file=sys.stderr)
        for item in items:
            self.held.pop(item["lease"], None)

    async def heartbeats(self):
        """Extends each lease held for more than a third of its time to live."""
        api = Api(self.args)
        try:
            while True:
                await asyncio.sleep(0.05)
                now = time.monotonic()
                due = [l for l, h in self.held.items() if now - h.renewed >= h.ttl_s / 3.0]
                for i in range(0, len(due), MAX_ITEMS):
                    await self.extend(api, due[i:i + MAX_ITEMS])
        finally:
            api.close()

    async def extend(self, api, leases):
        sent = time.monotonic()
        try:
            results = await api.post("/v1/leases/extend", [{"lease": l} for l in leases])
        except (Unreachable, Refused) as e:
            print(f"pull_worker: extend: {e}", file=sys.stderr)
            return
        for lease, r in zip(leases, results):
            h = self.held.get(lease)
            if h is None:
                continue  # settled meanwhile
            if r.get("ok"):
                h.renewed, h.ttl_s = sent, r["expires_in_ms"] / 1000.0
            else:
                e = h.event
                print(f"pull_worker: event {e['id']} ({e['account']}#{e['seq']}): "
                      f"{r.get('error')}; its settle will be refused", file=sys.stderr)
                h.renewed = float("inf")  # asked once


def run_process(args, children=()):
    """One worker on one event loop; returns the exit code. select(2) rather than epoll: its
    timeouts are in microseconds, epoll's in milliseconds (asyncio.sleep would end up to 1 ms
    late); the process has only a few descriptors of its own."""
    loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
    asyncio.set_event_loop(loop)
    worker = Worker(args)
    for signo in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signo, stop_all, worker, signo, children)
    try:
        loop.run_until_complete(worker.run())
    finally:
        loop.close()
    c = worker.counts
    print(f"pull_worker {args.name}: {c['acked']} acked, {c['retrying']} retrying, "
          f"{c['dead']} dead, {c['refused']} refused", flush=True)
    if worker.fatal:
        print(f"pull_worker: {worker.fatal}", file=sys.stderr)
        return 1
    return 0


def stop_all(worker, signo, children):
    worker.stop()
    for pid in children:
        os.kill(pid, signo)


def run_processes(args):
    """--processes N: N-1 children (named NAME-2 ...) and this process (NAME-1); a signal to
    this one stops them all. The exit code is the worst of theirs."""
    name, children = args.name, []
    for i in range(2, args.processes + 1):
        pid = os.fork()
        if pid == 0:
            args.name = f"{name}-{i}"
            os._exit(run_process(args))
        children.append(pid)
    args.name = f"{name}-1"
    code = run_process(args, children)
    for pid in children:
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        code = max(code, status if status >= 0 else 1)
    return code


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="strandq serve's address")
    p.add_argument("--token", default=os.environ.get("STRANDQ_TOKEN", ""),
                   help="serve's --token (default: $STRANDQ_TOKEN)")
    p.add_argument("--name", default=f"pyasync-{os.uname().nodename}-{os.getpid()}",
                   help="this worker's name in the event log ([A-Za-z0-9_.:@-], 1-128 bytes)")
    p.add_argument("--concurrency", type=int, default=64,
                   help="leases held (handler tasks) at once, per process")
    p.add_argument("--processes", type=int, default=1, help="worker processes")
    p.add_argument("--wait-ms", type=int, default=1000, help="long-poll wait when idle")
    p.add_argument("--exit-when-idle-ms", type=int, default=0,
                   help="exit once nothing was leased for this long (0: run until SIGTERM)")
    p.add_argument("--sleep-ms", type=float, default=0, help="demo work: sleep per event")
    p.add_argument("--nack-first-every", type=int, default=0,
                   help="demo failures: fail attempt 1 of events whose id is a multiple of N")
    p.add_argument("--dead-every", type=int, default=0,
                   help="demo failures: dead-letter events whose id is a multiple of N")
    args = p.parse_args()
    parts = urllib.parse.urlsplit(args.url)
    if parts.scheme != "http" or not parts.hostname:
        p.error(f"--url must be http://HOST:PORT, not {args.url!r}")
    if args.concurrency < 1:
        p.error("--concurrency must be at least 1")
    if args.processes < 1:
        p.error("--processes must be at least 1")
    if not 0 <= args.wait_ms <= 60000:
        p.error("--wait-ms must be from 0 to 60000")
    return args


def main():
    args = parse_args()
    return run_process(args) if args.processes == 1 else run_processes(args)


if __name__ == "__main__":
    sys.exit(main())
