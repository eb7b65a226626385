using System.Collections.Concurrent;

namespace ProcessMesh.Grains.Measurement;

/// <summary>
/// The sinks of the runs under way on this silo (a singleton per silo). Workers find their run's sink here by
/// run id: it is the harness's instrument, not part of any worker's memory.
/// </summary>
public sealed class RunSinks
{
    private readonly ConcurrentDictionary<string, RunSink> _sinks = new();

    /// <summary>The sink of run <paramref name="runId"/> on this silo, opened on first use.</summary>
    public RunSink For(string runId) => _sinks.GetOrAdd(runId, _ => new RunSink());

    /// <summary>Opens the sink of <paramref name="runId"/> on this silo, made for a run across silos when <paramref name="acrossSilos"/>.</summary>
    public RunSink Open(string runId, bool acrossSilos) => _sinks.GetOrAdd(runId, _ => new RunSink(acrossSilos));

    /// <summary>Removes and returns the sink of <paramref name="runId"/> (an empty one if nothing was recorded here).</summary>
    public RunSink Close(string runId) => _sinks.TryRemove(runId, out var sink) ? sink : new RunSink();

    /// <summary>Runs with an open sink on this silo.</summary>
    public int Running => _sinks.Count;

    /// <summary>The open sinks (what this silo is measuring now).</summary>
    public IReadOnlyCollection<RunSink> Current => _sinks.Values.ToArray();
}
