using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>A baseline is matched point by point, by what was asked for, not by what came out.</summary>
public sealed class FigureChangeTests
{
    [Fact]
    public void Load_points_match_across_runs_that_completed_different_numbers_of_calls()
    {
        var then = new RunResult { Model = Models.Process, Workload = "load", Grains = 10, Concurrency = 8, Workers = 10, Work = 18_142, Throughput = 90_710 };
        var now = then with { Work = 15_463, Throughput = 77_315 };

        var throughput = Assert.Single(FigureChange.Compare([then], [now]), c => c.Figure == "throughput/s");

        Assert.Equal(-14.77, throughput.ChangePercent!.Value, 2);
    }

    [Fact]
    public void Workload_points_of_different_sizes_do_not_match()
    {
        var then = new RunResult { Model = Models.Process, Workload = "cpu", Workers = 2, Work = 400_000, Throughput = 1 };

        Assert.Empty(FigureChange.Compare([then], [then with { Work = 800_000 }]));
    }
}
