"""What CPython processes and threads cost on this machine: the python side of `processmesh calibrate`.

Modes (each prints JSON lines on stdout; see docs/calibration.md):
  idle                          print 'ready', answer each stdin line 'ping' with 'pong', exit when stdin closes
  ipc-bench --ipc pipe|queue --sizes 8,1024 --seconds S [--go yes]
                                a ping-pong with a multiprocessing child over multiprocessing.Pipe or
                                multiprocessing.Queue (objects pickled, as multiprocessing does), one line per size;
                                with --go yes it prints 'ready' after a warm-up and measures once stdin gives a line
  ipc-bench --ipc pipe --sizes 8 --seconds S --peers N
                                a message bounced off each of N children in turn (each wakes from a sleep)
  threads --sizes 8,1024 --seconds S --starts N --parked N
                                thread start, a parked thread's resident cost, and a queue.Queue hand-off
Only `sys` is imported at the top, so an idle process holds what a bare interpreter holds.
"""
import sys


def idle():
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "ping":
            sys.stdout.write("pong\n")
            sys.stdout.flush()


def _echo(rx, tx):
    """The child of a ping-pong: returns every payload; 'stats' asks for its CPU so far; None ends it."""
    import time
    receive_cpu = 0.0
    while True:
        before = time.thread_time()
        message = rx()
        receive_cpu += time.thread_time() - before
        if type(message) is bytes:
            tx(message)
        elif message == "stats":
            tx((time.process_time(), receive_cpu))
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
                    total += link.recv()[0]
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


def ipc_bench(ipc, sizes, seconds, go=False):
    import json
    import multiprocessing
    import time

    if ipc == "pipe":
        mine, theirs = multiprocessing.Pipe()
        child = multiprocessing.Process(target=_pipe_child, args=(theirs,), daemon=True)
        send, receive = mine.send, mine.recv
    elif ipc == "queue":
        outbox, inbox = multiprocessing.Queue(), multiprocessing.Queue()
        child = multiprocessing.Process(target=_queue_child, args=(outbox, inbox), daemon=True)
        send, receive = outbox.put, inbox.get
    else:
        raise SystemExit(f"unknown --ipc {ipc}")

    child.start()
    try:
        if go:
            # Several benches measured at once: each says it is ready and measures when told.
            for _ in range(20):
                send(b"x" * 8)
                receive()
            print("ready", flush=True)
            sys.stdin.readline()
        for size in sizes:
            payload = b"x" * size
            # Warm-up: the child's first messages, the pickler's caches.
            for _ in range(20):
                send(payload)
                receive()
            send("stats")
            child_cpu0, child_receive0 = receive()
            cpu0 = time.process_time()
            receive_cpu = 0.0
            times = []
            clock = time.perf_counter
            deadline = clock() + seconds
            now = 0.0
            while now < deadline:
                began = clock()
                send(payload)
                before = time.thread_time()
                reply = receive()
                receive_cpu += time.thread_time() - before
                now = clock()
                times.append(now - began)
                if len(reply) != size:
                    raise SystemExit(f"a reply of {len(reply)} bytes to a message of {size}")
            round_trips = len(times)
            cpu = time.process_time() - cpu0
            send("stats")
            child_cpu1, child_receive1 = receive()
            child_cpu = child_cpu1 - child_cpu0
            child_receive = child_receive1 - child_receive0
            messages = 2 * round_trips
            # Each side sends one message and receives one per round trip: what its receives burned is read
            # around them (thread CPU); the rest of the process's CPU (sending, pickling, a queue's feeder
            # thread, the loop) is the sending side's.
            receiver = receive_cpu + child_receive
            sender = max(0.0, cpu - receive_cpu) + max(0.0, child_cpu - child_receive)
            times.sort()
            print(json.dumps({
                "ipc": ipc, "payloadBytes": size, "roundTrips": round_trips,
                "oneWayMicros": times[len(times) // 2] / 2 * 1e6,
                "senderCpuMicros": sender / messages * 1e6,
                "receiverCpuMicros": receiver / messages * 1e6,
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
    import queue
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

    # A hand-off: the payload copied into a shared slot, a wake-up through queue.Queue, and back.
    for size in sizes:
        payload = b"x" * size
        slot = bytearray(size)
        ping, pong = queue.Queue(), queue.Queue()
        stop = object()
        partner = {}

        def echo():
            cpu0 = time.thread_time()
            receive_cpu = 0.0
            while True:
                before = time.thread_time()
                message = ping.get()
                receive_cpu += time.thread_time() - before
                if message is stop:
                    break
                slot[:] = payload
                pong.put(message)
            partner["cpu"] = time.thread_time() - cpu0
            partner["receive"] = receive_cpu

        thread = threading.Thread(target=echo)
        thread.start()
        for r in range(20):
            slot[:] = payload
            ping.put(r)
            pong.get()
        cpu0 = time.thread_time()
        receive_cpu = 0.0
        times = []
        clock = time.perf_counter
        deadline = clock() + seconds
        now = 0.0
        while now < deadline:
            began = clock()
            slot[:] = payload
            ping.put(began)
            before = time.thread_time()
            pong.get()
            receive_cpu += time.thread_time() - before
            now = clock()
            times.append(now - began)
        round_trips = len(times)
        cpu = time.thread_time() - cpu0
        ping.put(stop)
        thread.join()
        messages = 2 * round_trips
        # The warm-up's 20 round trips count on the partner's side: a small share of many thousands.
        partner_messages = messages + 40
        times.sort()
        print(json.dumps({
            "ipc": "handoff", "payloadBytes": size, "roundTrips": round_trips,
            "oneWayMicros": times[len(times) // 2] / 2 * 1e6,
            "senderCpuMicros": (max(0.0, cpu - receive_cpu) / messages + max(0.0, partner["cpu"] - partner["receive"]) / partner_messages) * 1e6,
            "receiverCpuMicros": (receive_cpu / messages + partner["receive"] / partner_messages) * 1e6,
        }), flush=True)


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
    seconds = float(_option(args, "--seconds", "1"))
    if mode == "ipc-bench" and int(_option(args, "--peers", "1")) > 1:
        round_robin(_option(args, "--ipc"), sizes, seconds, int(_option(args, "--peers")))
    elif mode == "ipc-bench":
        ipc_bench(_option(args, "--ipc"), sizes, seconds, _option(args, "--go", "no") == "yes")
    else:
        threads(sizes, seconds, int(_option(args, "--starts", "20")), int(_option(args, "--parked", "100")))


if __name__ == "__main__":
    main(sys.argv[1:])
