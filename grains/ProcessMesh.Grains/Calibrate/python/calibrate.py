"""What CPython processes and threads cost on this machine: the python side of `processmesh calibrate`.

Modes (each prints JSON lines on stdout; see docs/calibration.md):
  idle                          print 'ready', answer each stdin line 'ping' with 'pong', exit when stdin closes
  ipc-bench --ipc pipe|queue --sizes 8,1024 --seconds S[,S...] [--go yes]
                                a ping-pong with a multiprocessing child over multiprocessing.Pipe or
                                multiprocessing.Queue (objects pickled, as multiprocessing does), one line per size,
                                in ROUNDS rounds by the rule of the worker's ipc-bench (of_rounds, split); --seconds
                                one time for every size, or one a size (the calibration's quiet 8 B sample is shorter);
                                with --go yes it prints 'ready' after a warm-up and measures once stdin gives a line
  ipc-bench --ipc pipe --sizes 8 --seconds S --peers N
                                a message bounced off each of N children in turn (each wakes from a sleep)
  threads --sizes 8,1024 --seconds S --starts N --parked N
                                thread start, a parked thread's resident cost, and a queue.Queue hand-off (rounds too)
Only `sys` is imported at the top, so an idle process holds what a bare interpreter holds.
"""
import sys


def idle():
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "ping":
            sys.stdout.write("pong\n")
            sys.stdout.flush()


# How many rounds a size's measured phase is cut into: Rounds.Count of worker/Ipc/Rounds.cs, whose rule these follow.
ROUNDS = 5


def median(values):
    """The middle value (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no value to take a median of")
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 == 1 else (ordered[mid - 1] + ordered[mid]) / 2


def of_rounds(rounds):
    """The figures of a size from its rounds, each (its round trips' times, the CPU both sides burned over it), in
    seconds, as worker/Ipc/Rounds.cs takes them: one way, the median over rounds of half each round's MEAN round trip
    (every round trip counts, as a run's throughput counts them; a median left out every slow wake-up a real run
    pays); CPU per side per round trip, the median over rounds of each round's CPU over its round trips, halved.
    Rounds without a round trip are left out; none at all is an error. Returns (oneWayMicros, cpuMicros, roundTrips)."""
    counted = [(times, cpu) for times, cpu in rounds if times]
    if not counted:
        raise ValueError("no round made a round trip")
    return (median([sum(times) / len(times) / 2 * 1e6 for times, _ in counted]),
            median([cpu / len(times) / 2 * 1e6 for times, cpu in counted]),
            sum(len(times) for times, _ in counted))


def split(cpu_micros, stream_sender, stream_receiver):
    """A side's CPU per round trip (cpu_micros: one send and one receive) split between sending and receiving in the
    ratio of a one-way stream's CPU (stream_sender: the side that only sent; stream_receiver: the one that only
    took in), so that the two add up to cpu_micros; half each when the stream burned nothing measurable."""
    total = stream_sender + stream_receiver
    share = stream_sender / total if total > 0 else 0.5
    return cpu_micros * share, cpu_micros * (1 - share)


def _echo(rx, tx):
    """The child of a ping-pong: returns every payload, or after 'swallow' only takes them in (a one-way stream)
    until 'echo'; 'stats' asks for its CPU so far (time.process_time(), every thread of it); None ends it."""
    import time
    echo = True
    while True:
        message = rx()
        if type(message) is bytes:
            if echo:
                tx(message)
        elif message == "stats":
            tx(time.process_time())
        elif message == "swallow":
            echo = False
        elif message == "echo":
            echo = True
        else:
            return


def _pipe_child(conn):
    _echo(conn.recv, conn.send)


def _queue_child(inbox, outbox):
    _echo(inbox.get, outbox.put)


def round_robin(ipc, sizes, seconds, peers):
    """Bounces a message off each of `peers` children in turn over multiprocessing.Pipe, so each child sleeps
    through the others' round trips, as each process of a ring does; one line per size: the mean round trip and
    the CPU per message of this process and every child."""
    import json
    import multiprocessing
    import time

    if ipc != "pipe":
        raise SystemExit(f"--peers runs over pipe only, not {ipc}")
    links, children = [], []
    for _ in range(peers):
        mine, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=_pipe_child, args=(theirs,), daemon=True)
        child.start()
        links.append(mine)
        children.append(child)
    try:
        for size in sizes:
            payload = b"x" * size
            for _ in range(20):
                for link in links:
                    link.send(payload)
                    link.recv()

            def children_cpu():
                total = 0.0
                for link in links:
                    link.send("stats")
                    total += link.recv()
                return total

            before = children_cpu()
            cpu0 = time.process_time()
            clock = time.perf_counter
            began = clock()
            deadline = began + seconds
            round_trips = 0
            times = []
            while clock() < deadline:
                for link in links:
                    start = clock()
                    link.send(payload)
                    if len(link.recv()) != size:
                        raise SystemExit("a reply of the wrong size")
                    times.append(clock() - start)
                round_trips += len(links)
            elapsed = clock() - began
            times.sort()
            cpu = time.process_time() - cpu0
            cpu += children_cpu() - before
            print(json.dumps({
                "ipc": ipc, "payloadBytes": size, "peers": peers, "roundTrips": round_trips,
                "meanRoundTripMicros": elapsed / round_trips * 1e6,
                "medianRoundTripMicros": times[len(times) // 2] * 1e6,
                "cpuMicrosPerMessage": cpu / (2 * round_trips) * 1e6,
            }), flush=True)
    finally:
        for link in links:
            try:
                link.send(None)
            except (OSError, ValueError):
                pass
        for child in children:
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join()


def ipc_bench(ipc, sizes, times, go=False):
    """A ping-pong with a multiprocessing child, one JSON line a size, by the rule of the worker's ipc-bench
    (worker/Modes/IpcBench.cs): after a warm-up, each size's measured phase (about its `seconds`, from `times`, one a
    size) is cut into ROUNDS rounds, each timed round trip by round trip with perf_counter alone and both processes'
    CPU (process_time, every thread of each) read around it; the figures are of_rounds'. The sender/receiver split
    comes from a one-way stream of about seconds / 4 (this side only sends, the child only takes in), applied so that
    the two add up to the round trip's CPU figure. `seconds` in the line is the rounds' elapsed time, so roundTrips / seconds is the phase's mean rate."""
    import json
    import multiprocessing
    import time

    if ipc == "pipe":
        mine, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=_pipe_child, args=(theirs,), daemon=True)
        send, receive = mine.send, mine.recv
    elif ipc == "queue":
        # put() only appends to the queue's buffer and a feeder thread pickles and writes it, so the one-way stream
        # below would, unbounded, append far more than the feeder can write before its closing 'stats' got through
        # (at 1 MiB, gigabytes). The bound is the queue's own semaphore, which every put acquires and the child's get
        # releases whatever the bound (unbounded is SEM_VALUE_MAX), so the ping-pong pays the same with it.
        outbox, inbox = multiprocessing.Queue(64), multiprocessing.Queue()
        child = multiprocessing.Process(target=_queue_child, args=(outbox, inbox), daemon=True)
        send, receive = outbox.put, inbox.get
    else:
        raise SystemExit(f"unknown --ipc {ipc}")
    clock = time.perf_counter

    def child_cpu():
        """The child's CPU so far, once it has handled every message sent before."""
        send("stats")
        return receive()

    def bounce(payload, duration):
        """Bounces payload off the child for duration seconds: each round trip's time, and the stretch's elapsed."""
        times = []
        end = clock() + duration
        first = now = clock()
        while now < end:
            began = clock()
            send(payload)
            reply = receive()
            now = clock()
            times.append(now - began)
            if len(reply) != len(payload):
                raise SystemExit(f"a reply of {len(reply)} bytes to a message of {len(payload)}")
        return times, now - first

    child.start()
    try:
        for _ in range(20):  # the child's first messages, the pickler's caches, the CPU reading's code
            send(b"x" * 8)
            receive()
        child_cpu()
        if go:
            # Several benches measured at once: each says it is ready and measures when told.
            print("ready", flush=True)
            sys.stdin.readline()
        for size, seconds in zip(sizes, times):
            payload = b"x" * size
            bounce(payload, seconds / 10)  # this size's buffers, both sides

            rounds, elapsed = [], 0.0
            for _ in range(ROUNDS):
                self_before = time.process_time()
                child_before = child_cpu()
                times, took = bounce(payload, seconds / ROUNDS)
                child_after = child_cpu()
                self_after = time.process_time()
                rounds.append((times, (self_after - self_before) + (child_after - child_before)))
                elapsed += took
            one_way, cpu, round_trips = of_rounds(rounds)

            # One way only: this side's CPU is sending, the child's is taking in. Over a queue, the sending is put()
            # and the feeder thread's pickling and writing, both in this process's process_time; the closing
            # child_cpu() is answered once the child has taken every message in, so by then the feeder has written
            # them all and its CPU is in the reading after it.
            send("swallow")
            stream_self_before = time.process_time()
            stream_child_before = child_cpu()
            end = clock() + seconds / 4
            while clock() < end:
                send(payload)
            stream_child = child_cpu() - stream_child_before
            stream_self = time.process_time() - stream_self_before
            send("echo")
            sender, receiver = split(cpu, stream_self, stream_child)
            print(json.dumps({
                "ipc": ipc, "payloadBytes": size, "roundTrips": round_trips, "rounds": len(rounds),
                "seconds": round(elapsed, 6), "oneWayMicros": round(one_way, 3),
                "senderCpuMicros": round(sender, 3), "receiverCpuMicros": round(receiver, 3),
            }), flush=True)
    finally:
        try:
            send(None)
        except (OSError, ValueError):
            pass
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()


def _resident():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def threads(sizes, seconds, starts, parked):
    import json
    import statistics
    import threading
    import time

    # Start: from start() to the thread's first statement.
    times = []
    for _ in range(starts):
        began = [0.0]

        def run(began=began):
            began[0] = time.perf_counter()

        thread = threading.Thread(target=run)
        before = time.perf_counter()
        thread.start()
        thread.join()
        times.append(began[0] - before)

    # A parked thread: what each of `parked` threads blocked on an event adds to the resident set.
    release = threading.Event()
    running = threading.Semaphore(0)

    def park():
        running.release()
        release.wait()

    resident0 = _resident()
    gang = [threading.Thread(target=park, daemon=True) for _ in range(parked)]
    for thread in gang:
        thread.start()
    for _ in gang:
        running.acquire()
    resident1 = _resident()
    release.set()
    for thread in gang:
        thread.join()
    print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "startMicros": statistics.median(times) * 1e6,
                      "residentBytes": max(0, resident1 - resident0) // max(1, parked)}), flush=True)

    # A hand-off: the payload copied into a shared slot, a wake-up through queue.Queue, and back; by the rule of
    # ipc_bench (rounds timed with perf_counter alone, each thread's CPU clock read around each round, of_rounds).
    for size in sizes:
        print(json.dumps(_hand_off(size, seconds)), flush=True)


def _hand_off(size, seconds):
    """A ping-pong between two threads through a pair of queue.Queues, each message copying the payload into a
    shared slot (as the thread model's workers do), at `size` bytes: the figures of ipc_bench's line, by its rule
    (the partner's CPU is its own thread clock, which it reads when asked).
    The split is not from a one-way stream, as the processes' is: under the GIL a stream batches (the partner takes
    the GIL for a switch interval, 5 ms, and drains every message put meanwhile without waiting), so it would split a
    put against a get with none of the wake-ups that make most of a hand-off's receiving (at 8 B on the loaded
    2-core VM: 40 % receiving from a stream, against 66 to 70 % read around each get). So after the rounds, a
    ping-pong of about seconds / 4 reads each thread's CPU clock around each of its gets, as format 5 did in its
    timed loop: that is the receiving, the rest of the two threads' CPU the sending, each less about one clock
    reading a get (the bracket holds the end of one reading and the start of the next; the sending, the rest of
    both), whose cost is measured; the rounds' CPU is split in that ratio, so the two add up to it."""
    import queue
    import threading
    import time

    payload = b"x" * size
    slot = bytearray(size)
    ping, pong = queue.Queue(), queue.Queue()
    stop, stats, timed = object(), object(), object()

    def partner():
        timing, receiving = False, 0.0
        while True:
            if timing:
                before = time.thread_time()
                message = ping.get()
                receiving += time.thread_time() - before
            else:
                message = ping.get()
            if message is stop:
                return
            if message is stats:
                pong.put((time.thread_time(), receiving))
            elif message is timed:
                timing = not timing
            else:
                slot[:] = payload
                pong.put(message)

    def partner_cpu():
        ping.put(stats)
        return pong.get()

    clock = time.perf_counter

    def bounce(duration):
        times = []
        end = clock() + duration
        first = now = clock()
        r = 0
        while now < end:
            began = clock()
            slot[:] = payload
            ping.put(r)
            pong.get()
            now = clock()
            times.append(now - began)
            r += 1
        return times, now - first

    thread = threading.Thread(target=partner)
    thread.start()
    try:
        bounce(seconds / 10)
        partner_cpu()
        rounds, elapsed = [], 0.0
        for _ in range(ROUNDS):
            self_before = time.thread_time()
            partner_before, _ = partner_cpu()
            times, took = bounce(seconds / ROUNDS)
            partner_after, _ = partner_cpu()
            self_after = time.thread_time()
            rounds.append((times, (self_after - self_before) + (partner_after - partner_before)))
            elapsed += took
        one_way, cpu, round_trips = of_rounds(rounds)

        reading = time.thread_time()
        for _ in range(1000):
            time.thread_time()
        reading = (time.thread_time() - reading) / 1000
        ping.put(timed)
        self_before = time.thread_time()
        partner_before, partner_receiving_before = partner_cpu()
        receiving, gets = 0.0, 0
        end = clock() + seconds / 4
        while clock() < end:
            slot[:] = payload
            ping.put(gets)
            before = time.thread_time()
            pong.get()
            receiving += time.thread_time() - before
            gets += 1
        partner_after, partner_receiving_after = partner_cpu()
        both = (time.thread_time() - self_before) + (partner_after - partner_before)
        receiving += partner_receiving_after - partner_receiving_before
        ping.put(timed)
        readings = 2 * gets * reading  # a get on each side a round trip: one reading in each bracket, one out of it
        sender, receiver = split(cpu, max(0.0, both - receiving - readings), max(0.0, receiving - readings))
    finally:
        ping.put(stop)
        thread.join()
    return {
        "ipc": "handoff", "payloadBytes": size, "roundTrips": round_trips, "rounds": len(rounds),
        "seconds": round(elapsed, 6), "oneWayMicros": round(one_way, 3),
        "senderCpuMicros": round(sender, 3), "receiverCpuMicros": round(receiver, 3),
    }


def _option(args, name, default=None):
    if name in args:
        return args[args.index(name) + 1]
    if default is None:
        raise SystemExit(f"{name} is required")
    return default


def main(args):
    mode = args[0] if args else ""
    if mode == "idle":
        idle()
        return
    if mode not in ("ipc-bench", "threads"):
        raise SystemExit("usage: calibrate.py idle | ipc-bench --ipc pipe|queue --sizes 8,1024 --seconds S | threads ...")
    sizes = [int(s) for s in _option(args, "--sizes", "8").split(",")]
    seconds = [float(s) for s in _option(args, "--seconds", "1").split(",")]
    if mode == "ipc-bench" and int(_option(args, "--peers", "1")) == 1:
        if len(seconds) not in (1, len(sizes)):
            raise SystemExit(f"--seconds: {len(seconds)} times for {len(sizes)} sizes (one for every size, or one a size)")
        ipc_bench(_option(args, "--ipc"), sizes, seconds * len(sizes) if len(seconds) == 1 else seconds,
                  _option(args, "--go", "no") == "yes")
        return
    if len(seconds) != 1:
        raise SystemExit(f"--seconds: one time with {'--peers' if mode == 'ipc-bench' else mode}")
    if mode == "ipc-bench":
        round_robin(_option(args, "--ipc"), sizes, seconds[0], int(_option(args, "--peers")))
    else:
        threads(sizes, seconds[0], int(_option(args, "--starts", "20")), int(_option(args, "--parked", "100")))


if __name__ == "__main__":
    main(sys.argv[1:])
