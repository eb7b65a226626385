#!/usr/bin/env python3
"""The real interpreter beside ProcessMesh's gil model.

Runs the experiments of ProcessMesh's scenarios in CPython itself and prints one JSON object:

  gil-cpu     pure-Python compute: 1 thread, 2 threads, 2 processes (multiprocessing), same total work
  gil-io      blocking waits (time.sleep): 1 thread against N threads, same total waits
  gil-native  work in a C extension that releases the lock (hashlib.sha256 on 1 MiB buffers): 1 against 2 threads
  races       two threads add to one shared counter, unguarded and under threading.Lock
  ipc-cost    a message between 2 processes (multiprocessing.Pipe, pickled) against a hand-off between 2 threads
              (queue.Queue), bounced back and forth at 8 B and 1 MiB

Every timing is repeated; each figure is {"median", "min", "max", "values"} in seconds.
With --min-seconds S, each experiment first runs once to size itself: its work is scaled until no timed run is
shorter than S (aiming at 1.5 S), and if a measured run still is (the probe ran on a busier machine), it is sized
again from that run and repeated, so every figure is taken at steady state; "scale" in the output says by how much.
Each variant's "values" are in round order: round i of every variant ran back to back, so ratios pair by round.
Usage: python3 reference.py EXPERIMENT [--repeats N] [--scale X] [--min-seconds S]
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import sys
import threading
import time

MASK = (1 << 64) - 1


def cpu_units(count):
    """count units of a 64-bit linear congruential generator, 200 steps each (pure Python, holds the lock)."""
    total = 0
    for k in range(count):
        x = (k * 0x9E3779B97F4A7C15 + 1) & MASK
        for _ in range(200):
            x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        total = (total + x) & MASK
    return total


def io_units(count, seconds):
    for _ in range(count):
        time.sleep(seconds)


def native_units(count, block):
    """hashlib releases the interpreter lock while it hashes a buffer larger than 2 KiB."""
    for _ in range(count):
        hashlib.sha256(block).digest()


def figure(values):
    ordered = sorted(values)
    return {"median": ordered[len(ordered) // 2], "min": ordered[0], "max": ordered[-1], "values": values}


def timed(variants, repeats):
    """Times each variant `repeats` times, interleaved (one of each per round), so a change in the machine's
    load lands on every variant alike rather than on whichever ran last."""
    values = {name: [] for name in variants}
    for _ in range(repeats):
        for name, run in variants.items():
            start = time.perf_counter()
            run()
            values[name].append(time.perf_counter() - start)
    return {name: figure(v) for name, v in values.items()}


def in_threads(workers, target, share):
    def run():
        threads = [threading.Thread(target=target, args=share) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return run


def in_processes(pool, workers, target, share):
    def run():
        pool.starmap(target, [share] * workers)
    return run


def gil_cpu(repeats, scale):
    work = int(20000 * scale)
    in_threads(1, cpu_units, (100,))()  # warm-up
    # The pool's processes are started before the clock, as ProcessMesh starts its workers before it.
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.starmap(cpu_units, [(10,)] * 2)
        result = timed({"oneThread": in_threads(1, cpu_units, (work,)),
                        "twoThreads": in_threads(2, cpu_units, (work // 2,)),
                        "twoProcesses": in_processes(pool, 2, cpu_units, (work // 2,))}, repeats)
    result["work"] = work
    return result


def gil_io(repeats, scale):
    waits, threads, seconds = int(160 * scale), 8, 0.002
    result = timed({"oneThread": in_threads(1, io_units, (waits, seconds)),
                    "manyThreads": in_threads(threads, io_units, (waits // threads, seconds))}, repeats)
    result.update({"waits": waits, "threads": threads, "waitSeconds": seconds})
    return result


def gil_native(repeats, scale):
    blocks, block = int(256 * scale), os.urandom(1 << 20)
    result = timed({"oneThread": in_threads(1, native_units, (blocks, block)),
                    "twoThreads": in_threads(2, native_units, (blocks // 2, block))}, repeats)
    result.update({"blocks": blocks, "blockBytes": len(block)})
    return result


counter = 0
guard = threading.Lock()


def touch():
    """Any Python function call: CPython 3.10+ may hand the lock to another thread when a call starts."""


def add_plain(n):
    # `counter += 1` is one read-modify-write the interpreter does not interrupt in CPython 3.10+.
    global counter
    for _ in range(n):
        counter += 1


def add_with_call(n):
    # The same read-modify-write with a function call between the read and the write, as real code has.
    global counter
    for _ in range(n):
        value = counter
        touch()
        counter = value + 1


def add_locked(n):
    global counter
    for _ in range(n):
        with guard:
            value = counter
            touch()
            counter = value + 1


def races(repeats, scale):
    global counter
    per_thread = int(500_000 * scale)
    result = {"threads": 2}
    # The locked variant hands the lock back and forth between the threads (a convoy): a tenth of the work.
    for name, target, n in (("plain", add_plain, per_thread), ("withCall", add_with_call, per_thread), ("locked", add_locked, per_thread // 10)):
        lost, values = [], []
        for _ in range(repeats):
            counter = 0
            start = time.perf_counter()
            in_threads(2, target, (n,))()
            values.append(time.perf_counter() - start)
            lost.append(2 * n - counter)
        result[name] = dict(figure(values), incrementsPerThread=n, lost=lost)
    return result


def _echo(conn):
    """The far process of a ping-pong: sends back every message until it receives None."""
    while True:
        message = conn.recv()
        if message is None:
            return
        conn.send(message)


def ipc_cost(repeats, scale):
    # Round trips per variant, chosen so that the variants last about as long as each other (a process message
    # costs a few times a thread hand-off at 8 B, and a 1 MiB message is pickled and copied through the pipe).
    sizes = {8: (int(4000 * scale), int(5000 * scale)), 1 << 20: (max(1, int(40 * scale)), int(5000 * scale))}
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    peer = context.Process(target=_echo, args=(theirs,), daemon=True)
    peer.start()
    try:
        def by_process(payload, rounds):
            def run():
                for _ in range(rounds):
                    ours.send(payload)
                    ours.recv()
            return run

        def by_thread(payload, rounds):
            import queue
            there, back = queue.Queue(), queue.Queue()

            def pong():
                for _ in range(rounds):
                    back.put(there.get())

            def run():
                t = threading.Thread(target=pong)
                t.start()
                for _ in range(rounds):
                    there.put(payload)
                    back.get()
                t.join()
            return run

        variants = {}
        for size, (process_rounds, thread_rounds) in sizes.items():
            payload = os.urandom(size)
            by_process(payload, 10)()  # warm-up
            variants[f"process{size}"] = by_process(payload, process_rounds)
            variants[f"thread{size}"] = by_thread(payload, thread_rounds)
        result = timed(variants, repeats)
        result["rounds"] = {name: (sizes[int(name[7:])][0] if name.startswith("process") else sizes[int(name[6:])][1]) for name in variants}
        result["sizes"] = list(sizes)
        return result
    finally:
        ours.send(None)
        peer.join(5)
        if peer.is_alive():
            peer.kill()


EXPERIMENTS = {"gil-cpu": gil_cpu, "gil-io": gil_io, "gil-native": gil_native, "races": races, "ipc-cost": ipc_cost}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=sorted(EXPERIMENTS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--min-seconds", type=float, default=0.0)
    args = parser.parse_args()
    experiment, scale = EXPERIMENTS[args.experiment], args.scale
    if args.min_seconds > 0:
        probe = experiment(1, scale)
        shortest = min(v["median"] for v in probe.values() if isinstance(v, dict) and "median" in v)
        if shortest < args.min_seconds:
            scale *= min(200.0, 1.5 * args.min_seconds / max(shortest, 1e-6))
    result = experiment(args.repeats, scale)
    # A probe taken while the machine was busier than the measured runs sizes them too small: then every timed run
    # is checked, and the experiment sized again from its fastest run and run again (at most twice).
    for _ in range(2):
        fastest = min((v["min"] for v in result.values() if isinstance(v, dict) and "min" in v), default=None)
        if args.min_seconds <= 0 or fastest is None or fastest >= args.min_seconds or scale >= 200.0:
            break
        scale = min(200.0, scale * 1.5 * args.min_seconds / max(fastest, 1e-6))
        result = experiment(args.repeats, scale)
    result.update({"scale": scale, "experiment": args.experiment, "python": platform.python_version(),
                   "implementation": platform.python_implementation(), "cores": os.cpu_count(),
                   "switchInterval": sys.getswitchinterval()})
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
