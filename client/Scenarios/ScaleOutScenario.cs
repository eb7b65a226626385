using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>
/// scale-out: CPU-bound work by 1 worker and by as many workers as the cluster's machines have cores, in the
/// thread model (one silo's cores at most) and the process model (placed over every silo). On one machine, however
/// many silos share it, both stop at its cores; the claim's other half needs silos on several machines, and the
/// scenario says so.
/// </summary>
internal sealed class ScaleOutScenario : IScenario
{
    private const long Work = 150_000;

    public string Name => "scale-out";

    public string Claim => "Threads stop at one machine's cores; processes keep going with more silos.";

    public int Order => 9;

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var machine = context.Machine;
        var cores = Math.Max(1, machine.Cores);
        var (machines, wide) = (machine.Machines, machine.ClusterCores);
        var spec = new RunSpec { Workload = Workload.Cpu, Work = Work };
        var measured = await context.MeasureAllAsync(
            [spec with { Model = Models.Thread, Workers = 1 }, spec with { Model = Models.Thread, Workers = wide }, spec with { Model = Models.Process, Workers = 1 }, spec with { Model = Models.Process, Workers = wide }],
            cancellationToken, Sizing.Together);
        var (thread1, threadWide, process1, processWide) = (measured[0], measured[1], measured[2], measured[3]);
        var threadSpeedup = Noise.Ratio(Sample.Wall(thread1), Sample.Wall(threadWide));
        var processSpeedup = Noise.Ratio(Sample.Wall(process1), Sample.Wall(processWide));
        List<IReadOnlyList<string>> rows =
        [
            ["thread", "1", Cells.Seconds(Sample.Wall(thread1)), "1.00×"],
            ["thread", Cells.Count(wide), Cells.Seconds(Sample.Wall(threadWide)), Cells.Ratio(threadSpeedup)],
            ["process", "1", Cells.Seconds(Sample.Wall(process1)), "1.00×"],
            ["process", Cells.Count(wide), Cells.Seconds(Sample.Wall(processWide)), Cells.Ratio(processSpeedup)],
        ];
        var (verdict, reason) = Judge(machines, cores, threadSpeedup, processSpeedup);
        var notes = new List<string>
        {
            machines > 1
                ? $"{machine.Silos} silos on {machines} machines, {wide} cores in all; thread workers all run on the coordinator's silo"
                : $"one machine here ({context.Cluster}, {Figures.Count(machine.Silos, "silo")} sharing its {cores} cores): run 'processmesh scenario run scale-out --redis HOST:PORT' against silos on several machines for the claim's second half",
        };
        return new ScenarioResult(Name, Claim, verdict, reason,
            new Evidence($"cpu work, {thread1.Work:N0} units, {Figures.Count(machine.Silos, "silo")} on {Figures.Count(machines, "machine")}, {wide} cores", ["model", "workers", "wall s (band)", "speedup (band)"], rows),
            [thread1, threadWide, process1, processWide], notes);
    }

    /// <summary>
    /// The claim on two speedups at cores × machines workers: with silos on several machines, processes go beyond
    /// one machine's cores (speedup above <paramref name="cores"/>) while threads cannot; on one machine (however many
    /// silos share it) the claim cannot be tested.
    /// </summary>
    public static (Verdict Verdict, string Reason) Judge(int machines, int cores, Sample threadSpeedup, Sample processSpeedup)
    {
        var measured = $"at {cores * Math.Max(1, machines)} workers threads run {Cells.Times(threadSpeedup.Median)} and processes {Cells.Times(processSpeedup.Median)} the speed of 1";
        if (machines <= 1)
        {
            return (Verdict.Inconclusive, $"one machine: both models stop at its {cores} cores ({measured}); the claim needs silos on several machines");
        }

        var verdict = Verdicts.All(Noise.AtLeast(processSpeedup, cores * 1.1), Noise.AtMost(threadSpeedup, cores * 1.05));
        return (verdict, $"{machines} machines: {measured} (claim: processes above {cores * 1.1:0.#}×, threads at most {cores * 1.05:0.#}×)");
    }
}
