using System.Collections.Concurrent;
using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>
/// Which grain class a reference to a process worker means. A workload's worker class is what a <c>grain</c> run's
/// workers are: no call filter, so Orleans builds no invoker for each call to them. Its emulated twin, the same class
/// plus <see cref="IIncomingGrainCallFilter"/> (declared in one line beside it), is what an emulated run's workers are,
/// so every call to them passes <see cref="ProcessWorkerGrain.Invoke"/>. Every reference to a worker is made here, so
/// all of one run's references mean the same class (two classes under one key would be two grains).
/// </summary>
public static class ProcessWorkers
{
    private static readonly ConcurrentDictionary<Type, (Type Plain, Type Twin)> Known = new();

    /// <summary>The worker keyed <paramref name="key"/> of a run of <paramref name="spec"/>, through its workload's interface.</summary>
    public static T Get<T>(IGrainFactory grains, RunSpec spec, string key) where T : IProcessWorker =>
        grains.GetGrain<T>(key, spec.Emulate == Emulation.Grain ? Names<T>.Plain : Names<T>.Twin);

    /// <summary>
    /// The worker class implementing <paramref name="workerInterface"/> and its emulated twin; fails, naming what is
    /// missing, when the interface has not exactly one worker class or the class not exactly one twin.
    /// </summary>
    public static (Type Plain, Type Twin) ClassesOf(Type workerInterface) => Known.GetOrAdd(workerInterface, static i =>
    {
        // The interface's own assembly first (a workload added to a silo from elsewhere declares its worker beside
        // its interface), then this one's.
        var workers = new[] { i.Assembly, typeof(ProcessWorkerGrain).Assembly }.Distinct().SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsSubclassOf(typeof(ProcessWorkerGrain)) && i.IsAssignableFrom(t))
            .ToArray();
        var plain = workers.Where(t => !typeof(IIncomingGrainCallFilter).IsAssignableFrom(t)).ToArray();
        if (plain.Length != 1)
        {
            throw new InvalidOperationException($"{i.Name} has {plain.Length} process worker classes without a call filter; it needs exactly one");
        }

        var twins = workers.Where(t => t.BaseType == plain[0] && typeof(IIncomingGrainCallFilter).IsAssignableFrom(t)).ToArray();
        return twins.Length == 1
            ? (plain[0], twins[0])
            : throw new InvalidOperationException(
                $"{plain[0].Name} has {twins.Length} emulated twins; it needs exactly one, declared beside it: " +
                $"internal sealed class Emulated{plain[0].Name}(RunSinks sinks, ILocalSiloDetails silo) : {plain[0].Name}(sinks, silo), IIncomingGrainCallFilter;");
    });

    /// <summary>The class names Orleans resolves <typeparamref name="T"/> by (an exact full name wins over a longer one it begins).</summary>
    private static class Names<T>
    {
        public static readonly string Plain = ClassesOf(typeof(T)).Plain.FullName!;
        public static readonly string Twin = ClassesOf(typeof(T)).Twin.FullName!;
    }
}
