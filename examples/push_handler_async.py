#!/usr/bin/env python3
# Copyright 2026 The strandq Authors.
"""An asyncio push handler service for `strandq run|worker|serve --work http://HOST:PORT/events`.

Standard library only. The same contract, flags and answers as push_handler.py, on one event
loop per process instead of a thread per connection: pick it when the work waits (a database,
another service) and many slots are in flight; keep push_handler.py for blocking libraries.

strandq POSTs each attempt of an event as JSON:

    {"id": 17, "account": "a1", "seq": 3, "attempt": 1, "enqueued_ns": ..., "payload": ...}

with the headers Strandq-Event-Id, Strandq-Account, Strandq-Seq and Strandq-Attempt, and waits
for the answer before it sends the account's next event. "id" is the idempotency key. The
answer decides:

    2xx                                   done (acked)
    any status + "Strandq-Outcome: dead"  will never succeed: dead-lettered now, body = error
    429 or 503 + "Retry-After: SECONDS"   busy: the same attempt is sent again after SECONDS
    anything else                         a failed attempt, retried with backoff

Run it:   python3 examples/push_handler_async.py --port 8090 --processes 2   # one per core
          strandq run --work http://127.0.0.1:8090/events

The HTTP/1.1 server is small and strict: keep-alive, a Content-Length body only (chunked is
refused with 400), a request head of at most 16 KiB (431) and a body of at most 1 MiB (413);
after such an answer, or "Connection: close", the connection is closed. The --fail-every /
--dead-every / --busy-every flags inject failures (deterministic, by event id) for the tests;
--record writes one JSON line per request it answered.
"""

import argparse
import asyncio
import json
import os
import selectors
import signal
import socket
import sys

MAX_HEAD = 16 * 1024  # request line and headers
MAX_BODY = 1024 * 1024
BACKLOG = 1024  # connections waiting to be accepted: above any --workers


class Permanent(Exception):
    """The event can never succeed (a declined card): answered with Strandq-Outcome: dead."""


class Busy(Exception):
    """Not now: answered 503 with Retry-After, and strandq sends the same attempt again."""

    def __init__(self, seconds):
        super().__init__(f"busy, retry in {seconds}s")
        self.seconds = seconds


class Service:
    """What the handler does with an event. Replace handle() with your business logic.
    All of it runs on the process's one event loop thread: no locks needed."""

    def __init__(self, args):
        self.args = args
        self.busy_answered = set()  # ids already answered 503 once
        self.record = open(args.record, "a", encoding="utf-8") if args.record else None

    async def handle(self, event):
        """Processes one attempt; returns normally to ack, raises to fail. Never block here:
        await the I/O (or run blocking calls with asyncio.to_thread)."""
        event_id, attempt = event["id"], event["attempt"]
        args = self.args
        if args.dead_every and event_id % args.dead_every == 0:
            raise Permanent(f"event {event_id} can never succeed")
        if args.busy_every and event_id % args.busy_every == 0:
            if event_id not in self.busy_answered:
                self.busy_answered.add(event_id)
                raise Busy(args.busy_seconds)
        if args.fail_every and event_id % args.fail_every == 0 and attempt == 1:
            raise RuntimeError(f"injected failure of event {event_id} attempt {attempt}")
        if args.work_ms:
            await asyncio.sleep(args.work_ms / 1000.0)

    def log(self, event, status):
        if self.record is None:
            return
        line = json.dumps({"id": event.get("id"), "account": event.get("account"),
                           "seq": event.get("seq"), "attempt": event.get("attempt"),
                           "payload": event.get("payload"), "status": status})
        self.record.write(line + "\n")
        self.record.flush()


class BadRequest(Exception):
    """The request cannot be read: answered with this status, then the connection is closed."""

    def __init__(self, status, text):
        super().__init__(text)
        self.status = status


REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 422: "Unprocessable Content", 431:
           "Request Header Fields Too Large", 500: "Internal Server Error",
           503: "Service Unavailable"}


def answer(status, text, headers=(), close=False):
    """The bytes of a whole response, written at once (no delayed-ACK wait between pieces)."""
    body = (text + "\n").encode()
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
    head += [f"{name}: {value}" for name, value in headers]
    head += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def parse_head(head):
    """Request line and headers (bytes up to the blank line) -> method, path, keep_alive,
    body length. Raises BadRequest for anything this server does not accept."""
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, path, version = lines[0].split(" ")
    except ValueError:
        raise BadRequest(400, "bad request line") from None
    valid_method = method.isascii() and method.isalpha()
    if version not in ("HTTP/1.1", "HTTP/1.0") or not valid_method or not path:
        raise BadRequest(400, f"bad request line: {lines[0][:100]!r}")
    headers = {}
    for line in lines[1:-2]:  # the head ends with "\r\n\r\n": two empty strings at the end
        name, sep, value = line.partition(":")
        if not sep or not name or name[0] in " \t" or name[-1] in " \t":
            raise BadRequest(400, f"bad header line: {line[:100]!r}")
        name, value = name.lower(), value.strip()
        if name in headers and name in ("content-length", "transfer-encoding"):
            raise BadRequest(400, f"{name} given twice")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    if "transfer-encoding" in headers:
        raise BadRequest(400, "Transfer-Encoding is not supported: send a Content-Length body")
    length = headers.get("content-length", "0")
    if not length.isdigit() or not length.isascii():
        raise BadRequest(400, f"bad Content-Length: {length[:40]!r}")
    if len(length) > 9 or int(length) > MAX_BODY:
        raise BadRequest(413, f"Content-Length {length[:20]} is over the {MAX_BODY}-byte limit")
    tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    keep_alive = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
    return method, path, keep_alive, int(length)


async def read_request(reader):
    """The next request on the connection, or None once the client closed it between requests.
    Raises BadRequest, or asyncio.IncompleteReadError when the client closed it mid-request."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise
    except asyncio.LimitOverrunError:
        raise BadRequest(431, f"request head over {MAX_HEAD} bytes") from None
    method, path, keep_alive, length = parse_head(head)
    body = await reader.readexactly(length) if length else b""
    return method, path, keep_alive, body


async def respond(service, method, path, body):
    """The answer to one well-formed request, as bytes."""
    if method == "GET":  # a health check for load balancers and the tests
        return answer(200, "ok") if path == "/healthz" else answer(404, "not found")
    if method != "POST":
        return answer(405, f"{method} is not allowed", [("Allow", "GET, POST")])
    try:
        event = json.loads(body)
        if not isinstance(event, dict) or "id" not in event:
            raise ValueError("not an event")
    except (ValueError, RecursionError) as e:  # not JSON, not UTF-8, nested too deep
        return answer(400, f"bad request: {e}")
    try:
        await service.handle(event)
    except Permanent as e:
        service.log(event, "dead")
        return answer(422, str(e), [("Strandq-Outcome", "dead")])
    except Busy as e:
        service.log(event, "busy")
        return answer(503, str(e), [("Retry-After", str(e.seconds))])
    except Exception as e:  # any other error: a failed attempt, retried by strandq
        service.log(event, "error")
        return answer(500, f"{type(e).__name__}: {e}")
    service.log(event, "ok")
    return answer(200, "ok")


async def serve_connection(service, reader, writer):
    """Answers the requests of one connection in turn until it closes or fails."""
    try:
        while True:
            try:
                request = await read_request(reader)
            except BadRequest as e:
                writer.write(answer(e.status, str(e), close=True))
                await writer.drain()
                return
            if request is None:
                return
            method, path, keep_alive, body = request
            writer.write(await respond(service, method, path, body))
            await writer.drain()
            if not keep_alive:
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        pass  # a client that went away is no news
    finally:
        writer.close()


def listening_sockets(host, port, count):
    """`count` sockets on one port (SO_REUSEPORT: the kernel spreads the connections over
    them), each listening with a backlog above any --workers (strandq connects all slots at
    once; a short backlog drops SYNs, each retried a second later)."""
    socks = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if count > 1:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]  # --port 0: the others join the port the first got
        sock.listen(BACKLOG)
        socks.append(sock)
    return socks


async def serve(service, sock):
    async def on_connection(reader, writer):
        # asyncio sets it too; said here because every answer relies on it.
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await serve_connection(service, reader, writer)
        except asyncio.CancelledError:
            pass  # the service is stopping (below); the connection is closed

    # start_server listens again, with its own backlog (100 unless given).
    server = await asyncio.start_server(on_connection, sock=sock, limit=MAX_HEAD,
                                        backlog=BACKLOG)
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    await stop
    # Stop accepting, then end the connections (kept-alive ones would otherwise stay open: an
    # answer being prepared is dropped, and strandq retries that attempt).
    server.close()
    connections = asyncio.all_tasks() - {asyncio.current_task()}
    for task in connections:
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)


def run_loop(service, sock):
    # select() times out to the microsecond; epoll and poll round each wait up to the next
    # millisecond, so every asyncio.sleep (and timeout) would run late by up to that much. A
    # process here serves at most a few hundred connections, well within select()'s limit.
    loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
    try:
        loop.run_until_complete(serve(service, sock))
    except KeyboardInterrupt:
        pass
    finally:
        loop.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="0 = any free port")
    parser.add_argument("--work-ms", type=float, default=0, help="time each event takes")
    parser.add_argument("--fail-every", type=int, default=0,
                        help="fail attempt 1 of events whose id is a multiple of N (HTTP 500)")
    parser.add_argument("--dead-every", type=int, default=0,
                        help="dead-letter events whose id is a multiple of N")
    parser.add_argument("--busy-every", type=int, default=0,
                        help="answer 503 + Retry-After once to events whose id is a multiple of N")
    parser.add_argument("--busy-seconds", default="0.01", help="the Retry-After of --busy-every")
    parser.add_argument("--record", help="append one JSON line per answered request to this file")
    parser.add_argument("--processes", type=int, default=1,
                        help="processes sharing the port (one event loop each); the failure "
                             "flags then count per process")
    args = parser.parse_args()
    if args.processes < 1:
        parser.error("--processes must be at least 1")

    try:
        socks = listening_sockets(args.host, args.port, args.processes)
    except OSError as e:
        print(f"push_handler_async: cannot listen on {args.host}:{args.port}: {e}",
              file=sys.stderr)
        return 1
    service = Service(args)
    children = []
    for sock in socks[1:]:  # each child accepts the connections the kernel gives its socket
        pid = os.fork()
        if pid == 0:
            for other in socks:
                if other is not sock:
                    other.close()
            run_loop(service, sock)
            os._exit(0)
        children.append(pid)
        sock.close()
    host, port = socks[0].getsockname()[:2]
    print(f"listening on http://{host}:{port}/events", flush=True)
    try:
        run_loop(service, socks[0])  # returns on SIGTERM or Ctrl-C
    finally:
        for pid in children:  # SIGTERM (how the tests stop it) ends the children too
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
