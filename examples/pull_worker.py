#!/usr/bin/env python3
# Copyright 2026 The strandq Authors.
"""A strandq pull worker in Python, standard library only.

Leases events from `strandq serve` (POST /v1/leases), runs `handle` on each in a thread pool,
settles the outcomes in batches (in the next POST /v1/leases, which settles before it leases;
POST /v1/leases/settle when stopping) and keeps the leases it holds alive (POST
/v1/leases/extend) while their handlers run. Each account's events come one at a time, in
order; an event whose lease ran out (this process stalled or died) goes to another worker.

    python3 examples/pull_worker.py --url http://127.0.0.1:8080 --concurrency 25

Replace `handle` with your own work. SIGINT/SIGTERM: stop leasing, finish and settle the events
in hand, exit 0. The main thread and the heartbeat thread have an HTTP keep-alive connection
each; `--concurrency` handler threads run `handle`.
"""

import argparse
import http.client
import json
import os
import queue
import signal
import sys
import threading
import time
import urllib.parse


class Retry(Exception):
    """Raise from `handle` to have the event retried (after `retry_after_ms`, or the backoff)."""

    def __init__(self, error, retry_after_ms=None):
        super().__init__(error)
        self.retry_after_ms = retry_after_ms


class Dead(Exception):
    """Raise from `handle` for an event that can never succeed: it is dead-lettered now."""


def handle(event, args):
    """The work. `event` has id, account, seq, attempt and payload (a string). Return to ack."""
    if args.nack_first_every and event["id"] % args.nack_first_every == 0 and event["attempt"] == 1:
        raise Retry("injected failure of attempt 1", retry_after_ms=5)
    if args.dead_every and event["id"] % args.dead_every == 0:
        raise Dead("injected permanent failure")
    if args.sleep_ms:
        time.sleep(args.sleep_ms / 1000.0)


class Api:
    """One keep-alive connection to strandq serve. Not thread-safe: one per thread."""

    def __init__(self, url, token, name, timeout_s):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            sys.exit(f"pull_worker: --url must be http://HOST:PORT, not {url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout_s = timeout_s
        self.headers = {"Content-Type": "application/json", "Strandq-Worker": name}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        self.conn = None

    def post(self, path, body, extra_timeout_s=0.0):
        """POSTs JSON and returns the decoded answer. Retries a dropped connection once; raises
        OSError when the server cannot be reached, RuntimeError when it refuses the request."""
        data = json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(
                        self.host, self.port, timeout=self.timeout_s + extra_timeout_s)
                self.conn.timeout = self.timeout_s + extra_timeout_s
                if self.conn.sock is not None:
                    self.conn.sock.settimeout(self.conn.timeout)
                self.conn.request("POST", path, data, self.headers)
                res = self.conn.getresponse()
                answer = res.read()
                if res.getheader("Connection", "").lower() == "close":
                    self.close()
                break
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise OSError(f"cannot reach strandq serve at {self.host}:{self.port}")
        decoded = json.loads(answer) if answer else {}
        if res.status == 401:
            sys.exit("pull_worker: strandq serve refused the token (401): pass --token or "
                     "STRANDQ_TOKEN")
        if res.status != 200:
            raise RuntimeError(f"POST {path}: HTTP {res.status}: {decoded.get('error', answer)}")
        return decoded

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Worker:
    """Holds at most --concurrency leases. The main thread runs rounds: one POST /v1/leases
    settles what finished and leases as many new events as that frees; the handler threads run
    `handle`; the heartbeat thread extends the leases held."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.held = {}  # lease -> event, from its grant until its settle was answered
        self.done = queue.Queue()  # settle items of finished handlers
        self.stopping = threading.Event()
        self.ttl_s = 30.0  # until a lease tells us its expires_in_ms
        self.counts = {"acked": 0, "retrying": 0, "dead": 0, "refused": 0}
        self.work = queue.Queue()
        for _ in range(args.concurrency):
            threading.Thread(target=self.run_handlers, daemon=True).start()

    def api(self):
        a = self.args
        return Api(a.url, a.token, a.name, timeout_s=10.0)

    def run_handlers(self):
        while True:
            event = self.work.get()
            item = {"lease": event["lease"], "outcome": "ack"}
            try:
                handle(event, self.args)
            except Retry as e:
                item.update(outcome="nack", error=str(e))
                if e.retry_after_ms is not None:
                    item["retry_after_ms"] = int(e.retry_after_ms)
            except Dead as e:
                item.update(outcome="dead", error=str(e))
            except Exception as e:  # a bug in the handler: retried, as a crash would be
                item.update(outcome="nack", error=f"{type(e).__name__}: {e}")
            self.done.put(item)

    def finished(self, block_s):
        """The settle items of handlers that finished, waiting up to block_s for the first."""
        batch = []
        try:
            batch.append(self.done.get(timeout=block_s) if block_s > 0 else self.done.get_nowait())
            while len(batch) < 1000:
                batch.append(self.done.get_nowait())
        except queue.Empty:
            pass
        return batch

    def run(self):
        api = self.api()
        idle_since = time.monotonic()
        batch = []
        while True:
            running = len(self.held) - len(batch)  # handlers still at work after this round
            if self.stopping.is_set():
                if batch:
                    self.settled(batch, self.post_settle(api, batch))
                if not self.held:
                    break
                batch = self.finished(0.1)
                continue
            want = self.args.concurrency - running
            if want == 0:  # every lease is at work: wait for one to finish
                batch += self.finished(self.ttl_s)
                continue
            body = {"max": want, "wait_ms": 0 if running else self.args.wait_ms}
            if batch:
                body["settle"] = batch
            try:
                answer = api.post("/v1/leases", body, extra_timeout_s=body["wait_ms"] / 1000.0)
            except (OSError, RuntimeError) as e:
                print(f"pull_worker: lease: {e}; retrying in 0.5s", file=sys.stderr)
                time.sleep(0.5)
                continue  # the batch goes with the next request
            if batch:
                self.settled(batch, answer.get("settled", []))
            batch = []
            leases = answer.get("leases", [])
            with self.lock:
                for event in leases:
                    self.held[event["lease"]] = event
            for event in leases:
                self.ttl_s = event["expires_in_ms"] / 1000.0
                self.work.put(event)
            if leases or self.held:
                idle_since = time.monotonic()
            elif self.args.exit_when_idle_ms and \
                    (time.monotonic() - idle_since) * 1000 >= self.args.exit_when_idle_ms:
                break
            if not leases and self.held:  # nothing to lease now: wait for a handler, a while
                batch = self.finished(self.args.poll_ms / 1000.0)
            else:
                batch = self.finished(0)
        api.close()

    def post_settle(self, api, batch):
        for attempt in range(5):
            try:
                return api.post("/v1/leases/settle", batch)
            except OSError as e:
                print(f"pull_worker: settle: {e}; retrying", file=sys.stderr)
                time.sleep(0.2 * (attempt + 1))
            except RuntimeError as e:
                return [{"error": str(e)}] * len(batch)
        return [{"error": "strandq serve unreachable"}] * len(batch)

    def settled(self, batch, results):
        """Books the server's answer to each settle item; their leases are no longer held."""
        for item, r in zip(batch, results):
            if r.get("ok"):
                self.counts[r["disposition"]] += 1
            else:  # the lease ran out before the settle: another worker has the event now
                self.counts["refused"] += 1
                print(f"pull_worker: settle refused: {r.get('error')}", file=sys.stderr)
        with self.lock:
            for item in batch:
                self.held.pop(item["lease"], None)

    def heartbeat_loop(self):
        """Extends every lease held, a third of their time to live after the last round."""
        api = self.api()
        last = time.monotonic()
        while not self.stopping.wait(min(self.ttl_s / 6.0, 0.1)):
            if time.monotonic() - last < self.ttl_s / 3.0:
                continue
            last = time.monotonic()
            with self.lock:
                leases = list(self.held)
            for i in range(0, len(leases), 1000):
                chunk = leases[i:i + 1000]
                try:
                    results = api.post("/v1/leases/extend", [{"lease": l} for l in chunk])
                except (OSError, RuntimeError) as e:
                    print(f"pull_worker: extend: {e}", file=sys.stderr)
                    continue
                for lease, r in zip(chunk, results):
                    event = self.held.get(lease)
                    if "error" in r and event is not None:
                        print(f"pull_worker: event {event['id']} ({event['account']}#"
                              f"{event['seq']}): {r['error']}; its settle will be refused",
                              file=sys.stderr)
        api.close()

    def stop(self, *_):
        self.stopping.set()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="strandq serve's address")
    p.add_argument("--token", default=os.environ.get("STRANDQ_TOKEN", ""),
                   help="serve's --token (default: $STRANDQ_TOKEN)")
    p.add_argument("--name", default=f"py-{os.uname().nodename}-{os.getpid()}",
                   help="this worker's name in the event log ([A-Za-z0-9_.:@-], 1-128 bytes)")
    p.add_argument("--concurrency", type=int, default=8, help="leases held (handlers) at once")
    p.add_argument("--wait-ms", type=int, default=1000, help="long-poll wait when idle")
    p.add_argument("--poll-ms", type=int, default=20,
                   help="while handlers run and nothing was ready: ask again after this long")
    p.add_argument("--exit-when-idle-ms", type=int, default=0,
                   help="exit once nothing was leased for this long (0: run until SIGTERM)")
    p.add_argument("--sleep-ms", type=float, default=0, help="demo work: sleep per event")
    p.add_argument("--nack-first-every", type=int, default=0,
                   help="demo failures: fail attempt 1 of events whose id is a multiple of N")
    p.add_argument("--dead-every", type=int, default=0,
                   help="demo failures: dead-letter events whose id is a multiple of N")
    args = p.parse_args()
    if args.concurrency < 1:
        sys.exit("pull_worker: --concurrency must be at least 1")
    worker = Worker(args)
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    threading.Thread(target=worker.heartbeat_loop, daemon=True).start()
    worker.run()
    worker.stop()
    c = worker.counts
    print(f"pull_worker {args.name}: {c['acked']} acked, {c['retrying']} retrying, "
          f"{c['dead']} dead, {c['refused']} refused", flush=True)


if __name__ == "__main__":
    main()
