#!/usr/bin/env python3
"""Streaming client for scripts/bench: raw HTTP/1.1 over asyncio sockets, standard library only.

Two modes, printing space-separated numbers (or `error: ...` on standard error and exit 1):

  sse SEQUENTIAL CONCURRENT CHUNKS DELAY_MS TARGET...
      TARGET is `name|port|path[|Header: value...]`; path should ask the mock for
      `mock=sse&chunks=CHUNKS&delay_ms=DELAY_MS&tag=...` (a fixed tag, so every body is the same). SEQUENTIAL
      streams per target one after the other, taking the targets in turn (so each sees the same moments of a noisy
      machine and of the mock's timers), then CONCURRENT streams of each target at once; each stream on a new
      connection. Per stream: TTFB (request written -> first body byte); the later events' extra delay (mean over
      the events of arrival - first arrival - index * DELAY_MS: how much later than the first each event comes, on
      top of the mock's own pacing; the mock's timer slack is in it, the same for every target); total time
      (request written -> terminating chunk). Every body is checked: CHUNKS events plus `data: [DONE]`, identical
      across streams and targets.
      Prints one line per target: name seq_ttfb_ms seq_extra_delay_ms seq_total_ms conc_ttfb_ms conc_ttfb_max_ms
      conc_extra_delay_ms conc_total_ms errors body_bytes (medians over the streams; conc_ttfb_max_ms the largest)

  hold PORT PATH COUNT UPSTREAM_PORT PIDS [HEADER ...]
      Opens COUNT streams (PATH should ask for `mock=slow&interval_ms=...`) at most 256 connecting at a time, waits
      for every head (200) and first event, keeps reading whatever arrives (so nothing piles up in the proxy), then
      samples the resident memory of PIDS (comma-separated: the proxy's processes) before, while open (after
      BENCH_HOLD_SECONDS, default 2, which leaves time to inspect the proxy by hand) and after closing them all (once
      the upstream connections are back to their number before, or 15 s).
      Prints: rss_before_kib rss_open_kib rss_after_kib anon_before_kib anon_open_kib anon_after_kib open_seconds
              upstream_before upstream_open upstream_after errors
      (upstream_*: established connections on UPSTREAM_PORT's side, i.e. the mock's: before opening (the proxy's
      idle keep-alive connections), while open, and after closing; closing waits until it is back to before.)

HEADER arguments (and the header parts of a TARGET) are `Name: value` lines added to every request (x-relay-token
for the relay).
"""

import asyncio
import os
import statistics
import sys
import time

BODY = b'{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello."}]}'
HOST = "127.0.0.1"


def request_bytes(port, path, headers):
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(BODY)}", "Accept: text/event-stream"] + list(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + BODY


class StreamError(Exception):
    pass


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or parts[1] != "200":
        raise StreamError(f"status line {lines[0]!r}")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
    if fields.get("transfer-encoding") != "chunked":
        raise StreamError(f"expected a chunked event stream, got {fields.get('transfer-encoding')!r}")


async def read_chunks(reader, on_data):
    """Reads a chunked body to its end; on_data(bytes) for every piece of chunk data as it arrives."""
    while True:
        line = await reader.readuntil(b"\r\n")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailer fields, then the empty line
                pass
            return
        remaining = size
        while remaining:
            data = await reader.read(remaining)
            if not data:
                raise StreamError("connection closed inside a chunk")
            remaining -= len(data)
            on_data(data)
        if await reader.readexactly(2) != b"\r\n":
            raise StreamError("chunk not followed by CRLF")


async def one_sse(port, request, chunks, delay_ms):
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        body = bytearray()
        arrivals = []  # (event index, seconds after the request was written) for every complete event seen
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        await read_head(reader)
        first = None
        events = 0

        def on_data(data):
            nonlocal first, events
            now = time.perf_counter() - started
            if first is None:
                first = now
            body.extend(data)
            complete = body.count(b"\n\n")
            while events < complete:
                arrivals.append((events, now))
                events += 1

        await read_chunks(reader, on_data)
        total = time.perf_counter() - started
    finally:
        writer.close()
    if events != chunks + 1 or not body.endswith(b"data: [DONE]\n\n"):
        raise StreamError(f"{events} events (expected {chunks} and [DONE])")
    # The [DONE] event counts too: it follows the last event by one delay.
    lateness = statistics.fmean(at - index * delay_ms / 1000 for index, at in arrivals)
    return first, lateness, total, bytes(body)


async def run_sse(targets, sequential, concurrent, chunks, delay_ms):
    """targets: [(name, port, path, headers)]. Sequential streams go round-robin over the targets (so every target
    sees the same moments of a noisy machine and of the mock's timers); then each target gets its concurrent batch."""
    requests = {name: (port, request_bytes(port, path, headers)) for name, port, path, headers in targets}
    names = [target[0] for target in targets]
    serial = {name: [] for name in names}
    parallel = {name: [] for name in names}
    errors = {name: [] for name in names}
    bodies = {name: set() for name in names}

    async def guarded(name, results):
        port, request = requests[name]
        try:
            ttfb, lateness, total, body = await asyncio.wait_for(one_sse(port, request, chunks, delay_ms), 30)
            bodies[name].add(body)
            results.append((ttfb, lateness - ttfb, total))
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError, StreamError) as error:
            errors[name].append(repr(error))

    for _ in range(sequential):
        for name in names:
            await guarded(name, serial[name])
    for name in names:
        await asyncio.gather(*(guarded(name, parallel[name]) for _ in range(concurrent)))
    reference = bodies[names[0]]
    for name in names:
        if len(bodies[name]) > 1 or (bodies[name] and reference and bodies[name] != reference):
            errors[name].append(f"{name}: bodies differ ({len(bodies[name])} distinct, or not {names[0]}'s)")
        for error in errors[name][:3]:
            print(f"stream_client: {name}: {error}", file=sys.stderr)
        if not serial[name] or not parallel[name]:
            raise SystemExit(f"error: no {name} stream completed")

    def ms(values):
        return statistics.median(values) * 1000

    for name in names:
        one, many = serial[name], parallel[name]
        print(name + " " + " ".join(f"{value:.3f}" for value in (
            ms([r[0] for r in one]), ms([r[1] for r in one]), ms([r[2] for r in one]),
            ms([r[0] for r in many]), max(r[0] for r in many) * 1000, ms([r[1] for r in many]),
            ms([r[2] for r in many]))) + f" {len(errors[name])} {len(next(iter(bodies[name]), b''))}")


def memory_kib(pids):
    """(VmRSS, RssAnon) summed over pids, in KiB."""
    rss = anon = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                    elif line.startswith("RssAnon:"):
                        anon += int(line.split()[1])
        except OSError:
            pass
    return rss, anon


def established_on(port):
    """Established TCP connections whose local port is `port` (IPv4 and IPv6 tables)."""
    wanted = f"{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    if fields[3] == "01" and fields[1].rsplit(":", 1)[1] == wanted:
                        count += 1
        except OSError:
            pass
    return count


async def run_hold(port, path, count, upstream_port, pids, headers):
    request = request_bytes(port, path, headers)
    gate = asyncio.Semaphore(256)
    writers, drains, errors = [], [], []

    async def drain(reader):
        try:
            while await reader.read(65536):
                pass
        except (OSError, asyncio.CancelledError):
            pass

    async def open_one():
        async with gate:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 20)
            except (OSError, asyncio.TimeoutError) as error:
                errors.append(f"connect: {error!r}")
                return
            writers.append(writer)
            try:
                writer.write(request)
                await writer.drain()
                await asyncio.wait_for(read_head(reader), 20)
                await asyncio.wait_for(reader.readuntil(b"\n\n"), 20)  # the first event: the stream is flowing
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    StreamError) as error:
                errors.append(f"stream: {error!r}")
                return
            drains.append(asyncio.ensure_future(drain(reader)))

    await asyncio.sleep(0.5)
    before = memory_kib(pids)
    upstream_before = established_on(upstream_port)
    started = time.perf_counter()
    await asyncio.gather(*(open_one() for _ in range(count)))
    open_seconds = time.perf_counter() - started
    await asyncio.sleep(float(os.environ.get("BENCH_HOLD_SECONDS", "2")))
    during = memory_kib(pids)
    upstream_open = established_on(upstream_port)
    for writer in writers:
        writer.close()
    for task in drains:
        task.cancel()
    await asyncio.gather(*drains, return_exceptions=True)
    deadline = time.perf_counter() + 15
    upstream_after = established_on(upstream_port)
    while upstream_after > upstream_before and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
        upstream_after = established_on(upstream_port)
    await asyncio.sleep(1)
    upstream_after = established_on(upstream_port)
    after = memory_kib(pids)
    for error in errors[:3]:
        print(f"stream_client: {error}", file=sys.stderr)
    print(f"{before[0]} {during[0]} {after[0]} {before[1]} {during[1]} {after[1]} {open_seconds:.2f} "
          f"{upstream_before} {upstream_open} {upstream_after} {len(errors)}")


def main(argv):
    if len(argv) >= 7 and argv[1] == "sse":
        sequential, concurrent, chunks, delay_ms = (int(value) for value in argv[2:6])
        targets = []
        for spec in argv[6:]:
            name, port, path, *headers = spec.split("|")
            targets.append((name, int(port), path, headers))
        asyncio.run(run_sse(targets, sequential, concurrent, chunks, delay_ms))
    elif len(argv) >= 7 and argv[1] == "hold":
        pids = [int(pid) for pid in argv[6].split(",") if pid]
        asyncio.run(run_hold(int(argv[2]), argv[3], int(argv[4]), int(argv[5]), pids, argv[7:]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
