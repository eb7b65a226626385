using HdrHistogram;
using ProcessMesh.Worker.Ipc;

namespace ProcessMesh.Worker.Modes;

/// <summary>
/// Runs a mesh worker's whole protocol path once, inside this process, before it says <c>ready</c>: a small mesh of
/// the same workload (every role of it: pinger and ponger, the ring's worker 0 and the others, the counter's owner and
/// a client, a cpu worker and a silo's lane played here) over in-memory links (<see cref="MemoryPipe"/>), each
/// rehearsal worker the real <see cref="MeshWorker"/> on a thread of its own, its report written nowhere. The worker
/// runs without tiered compilation, so each method is compiled, fully optimised, at its first call: without this its
/// protocol's methods (sending and handling a token, a ping, an increment, a chunk; recording latency; the report)
/// were first called after <c>go</c>, and every process of a run compiled them inside the measured phase. Nothing
/// reaches a real peer, the silo or stdout, and the real worker's counts, ledger and histogram are its own.
/// </summary>
internal static class MeshRehearsal
{
    /// <summary>Rehearses <paramref name="spec"/>'s workload; throws when the rehearsal fails (the worker then never says ready).</summary>
    public static void Run(MeshSpec spec)
    {
        // Work = 4 takes every branch: the ring's token round twice, each client's increments, two round trips.
        var shape = spec with { Index = 0, Work = 4, Granularity = 1, PayloadBytes = 0 };
        switch (spec.Workload)
        {
            case "cpu":
            {
                var (silo, worker) = MemoryPipe.Pair();
                Play(shape with { Workers = 1 }, [new MeshLinks { Silo = worker }], [silo], () =>
                {
                    var chunk = new byte[2 * sizeof(long)];
                    BitConverter.TryWriteBytes(chunk.AsSpan(sizeof(long)), 1L);
                    silo.Send(MeshProtocol.Compute, chunk);
                    _ = silo.Receive();
                    silo.Send(MeshProtocol.Done, []);
                });
                break;
            }

            case "pingpong" when spec.Workers == 1:
            {
                var (ping, pong) = MemoryPipe.Pair();
                Play(shape with { Workers = 1 }, [new MeshLinks { Out = [ping], In = [pong] }], [ping, pong], null);
                break;
            }

            case "pingpong":
            {
                var (ping, pong) = MemoryPipe.Pair();
                Play(shape with { Workers = 2 }, [new MeshLinks { Out = [ping] }, new MeshLinks { In = [pong] }], [ping, pong], null);
                break;
            }

            case "counter":
            {
                var (client, owner) = MemoryPipe.Pair();
                Play(shape with { Workers = 2 }, [new MeshLinks { In = [owner] }, new MeshLinks { Out = [client] }], [client, owner], null);
                break;
            }

            default: // ring
            {
                var (out0, in1) = MemoryPipe.Pair();
                var (out1, in0) = MemoryPipe.Pair();
                Play(shape with { Workers = 2 }, [new MeshLinks { Out = [out0], In = [in0] }, new MeshLinks { Out = [out1], In = [in1] }], [out0, in1, out1, in0], null);
                break;
            }
        }
    }

    /// <summary>
    /// Runs one <see cref="MeshWorker"/> per entry of <paramref name="links"/> (worker i of them) on threads of their
    /// own, <paramref name="silo"/> on this one, and waits for all. A worker that fails closes every link, so none waits
    /// for it forever.
    /// </summary>
    private static void Play(MeshSpec shape, IReadOnlyList<MeshLinks> links, IReadOnlyList<IFrameLink> all, Action? silo)
    {
        var workers = links.Select((l, i) => new MeshWorker(shape with { Index = i }, l, TextWriter.Null, new LongConcurrentHistogram(1, MeshWorker.HighestNanoseconds, 1))).ToList();
        var threads = workers.Select(w => new Thread(() =>
        {
            w.Run();
            if (w.Failure is not null)
            {
                CloseAll();
            }
        }) { IsBackground = true, Name = "mesh-rehearsal" }).ToList();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        string? siloFailure = null;
        try
        {
            silo?.Invoke();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            siloFailure = $"{e.GetType().Name}: {e.Message}";
            CloseAll();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var worker in workers)
        {
            worker.Tally(); // the `count` line's code, written nowhere
            worker.Jit();
        }

        CloseAll();
        if (workers.Select(w => w.Failure).Append(siloFailure).FirstOrDefault(f => f is not null) is { } failure)
        {
            throw new InvalidOperationException($"the rehearsal of {shape.Workload} failed: {failure}");
        }

        void CloseAll()
        {
            foreach (var link in all)
            {
                link.Dispose();
            }
        }
    }
}
