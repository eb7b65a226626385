using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Emulated;

/// <summary>
/// Emulated processes pay what their calibration says, and say so in the record. Every cost here comes from a
/// calibration the test wrote, so what a run must at least take is known; only lower bounds are checked, which a
/// loaded machine cannot break.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EmulationTests(ClusterFixture cluster)
{
    private static RunSpec PingPong(string emulate, Calibration? calibration, long rounds = 200) => new()
    {
        Model = Models.Process,
        Workload = Workload.PingPong,
        Workers = 2,
        Work = rounds,
        Emulate = emulate,
        Calibration = calibration,
    };

    [Fact]
    public async Task Grain_adds_nothing_to_the_record()
    {
        var result = await cluster.RunAsync(PingPong(Contracts.Emulation.Grain, null));

        Assert.True(result.Correct);
        Assert.Equal(Contracts.Emulation.Grain, result.Emulate);
        Assert.Null(result.Ipc);
        Assert.Null(result.Footprint);
        Assert.Null(result.Calibration);
        Assert.NotNull(result.StartSeconds);
    }

    [Theory]
    [InlineData("dotnet", null, "pipe")]
    [InlineData("dotnet", "tcp", "tcp")]
    [InlineData("python", null, "pipe")]
    [InlineData("python", "queue", "queue")]
    public async Task Each_profile_says_how_it_was_emulated_and_from_which_calibration(string profile, string? ipc, string expectedIpc)
    {
        const double startMicros = 20_000;
        var result = await cluster.RunAsync(PingPong(profile, SyntheticCalibration.With(startMicros: startMicros), rounds: 50) with { Ipc = ipc });

        Assert.True(result.Correct, $"expected {result.Expected}, got {result.Actual}");
        Assert.Equal(profile, result.Emulate);
        Assert.Equal(expectedIpc, result.Ipc);
        Assert.Equal(Contracts.Emulation.Held, result.Footprint);
        Assert.Equal(SyntheticCalibration.Machine, result.Calibration?.Machine);
        Assert.Equal(SyntheticCalibration.MeasuredAt, result.Calibration?.MeasuredAt);

        // Each worker burned its start before the clock: the start phase took at least one start.
        Assert.True(result.StartSeconds >= startMicros / 1e6, $"starting 2 {profile} processes of {startMicros / 1000} ms took {result.StartSeconds} s");
    }

    [Fact]
    public async Task Cpu_per_message_is_burned_on_both_sides_of_every_message()
    {
        // 1 ms each side and nothing to wait: a round trip is two messages, 4 ms of CPU, all burned (far above what
        // 100 grain round trips cost, so a run that did not pay cannot pass).
        const long rounds = 100;
        var calibration = SyntheticCalibration.With(oneWayMicros: 2_000, senderMicros: 1_000, receiverMicros: 1_000, startMicros: 0);
        var result = await cluster.RunAsync(PingPong(Contracts.Emulation.DotNet, calibration, rounds));

        Assert.True(result.Correct);
        // Less what the grain calls themselves burn (taken off what the emulation pays): far under 10 %.
        var least = rounds * 4e-3 * 0.9;
        Assert.True(result.WallSeconds >= least, $"{rounds} round trips at 4 ms of CPU each took {result.WallSeconds * 1e3:0.0} ms, under {least * 1e3:0} ms");
        Assert.True(result.CpuSeconds >= least, $"{rounds} round trips burned {result.CpuSeconds * 1e3:0.0} ms of CPU, under the {least * 1e3:0} ms they must burn");
    }

    [Fact]
    public async Task Latency_beyond_the_cpu_is_waited()
    {
        // 1 ms one way and no CPU: every message waits on the delay line, less what the grain call takes (far under
        // 200 µs), and the line may start a wait up to half of it early (to cancel its own lateness): a round trip
        // takes at least 2 × 400 µs.
        const long rounds = 100;
        var calibration = SyntheticCalibration.With(oneWayMicros: 1_000, senderMicros: 0, receiverMicros: 0, startMicros: 0);
        var result = await cluster.RunAsync(PingPong(Contracts.Emulation.DotNet, calibration, rounds));

        Assert.True(result.Correct);
        var least = rounds * 2 * 400e-6;
        Assert.True(result.WallSeconds >= least, $"{rounds} round trips of two 1 ms messages took {result.WallSeconds * 1e3:0.0} ms, under {least * 1e3:0} ms");
        Assert.True(result.Latency.P50 >= 800, $"a round trip's median was {result.Latency.P50:0} µs, under two half-waits");
    }

    [Fact]
    public async Task Messages_from_a_driver_to_its_workers_pay_too()
    {
        // cpu's lanes send each worker its chunks: 40 chunks a worker, each a message and a reply of 2 ms of CPU.
        var calibration = SyntheticCalibration.With(oneWayMicros: 2_000, senderMicros: 1_000, receiverMicros: 1_000, startMicros: 0);
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.Cpu, Workers = 2, Work = 4_000, Granularity = 50, Emulate = Contracts.Emulation.DotNet, Calibration = calibration };
        var result = await cluster.RunAsync(spec);

        Assert.True(result.Correct);
        var least = 80 * 4e-3 * 0.9; // 80 chunks in all, 4 ms of CPU each, less the grain calls' own
        Assert.True(result.CpuSeconds >= least, $"80 emulated chunks burned {result.CpuSeconds * 1e3:0.0} ms of CPU, under {least * 1e3:0} ms");
    }

    [Fact]
    public async Task A_modelled_footprint_is_counted_not_allocated_and_never_refused()
    {
        // A terabyte per process: held, no machine admits two; modelled, they run, and the record says what they would need.
        var calibration = SyntheticCalibration.With(footprintBytes: 1L << 40, startMicros: 0);
        var held = PingPong(Contracts.Emulation.Python, calibration, rounds: 20);
        var refusal = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.RunAsync(held));
        Assert.Equal(RefusedSetting.Memory, refusal.Setting);
        Assert.Contains("a modelled footprint is counted without being allocated", refusal.Message, StringComparison.Ordinal);

        var result = await cluster.RunAsync(held with { Footprint = Contracts.Emulation.Modelled });

        Assert.True(result.Correct);
        Assert.Equal(Contracts.Emulation.Modelled, result.Footprint);
        Assert.True(result.MemoryPerWorkerBytes >= 1L << 40, $"memory per worker {result.MemoryPerWorkerBytes} B does not count the modelled terabyte");
        Assert.True(result.HeapPerWorkerBytes < 1L << 30, $"the modelled terabyte was allocated ({result.HeapPerWorkerBytes} B of heap per worker)");
        Assert.Contains(result.Notes, n => n.Contains("modelled", StringComparison.Ordinal) && n.Contains("2 TiB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_calibration_of_another_machine_than_the_silos_is_refused_there_before_anything_runs()
    {
        var elsewhere = SyntheticCalibration.With() with { Machine = new CalibratedMachine { Name = "elsewhere", Cores = 2 } };

        foreach (var spec in new[] { PingPong(Contracts.Emulation.DotNet, elsewhere), PingPong(Contracts.Emulation.Grain, elsewhere) with { Model = Models.Thread } })
        {
            var refusal = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.RunAsync(spec));
            Assert.Equal(RefusedSetting.Calibration, refusal.Setting);
            Assert.DoesNotContain("--", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("'elsewhere'", refusal.Message, StringComparison.Ordinal);
            Assert.Contains(Environment.MachineName, refusal.Message, StringComparison.Ordinal);
        }

        var load = new LoadSpec { Grains = 4, Duration = TimeSpan.FromMilliseconds(100), Calibration = elsewhere };
        var loadRefusal = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.Client.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).RunLoad(Models.Process, load, 1));
        Assert.Equal(RefusedSetting.Calibration, loadRefusal.Setting);
    }

    [Fact]
    public async Task Each_run_probes_the_grain_call_again_and_names_the_figure_it_took_off()
    {
        var calibration = SyntheticCalibration.With(startMicros: 0);
        var first = await cluster.RunAsync(PingPong(Contracts.Emulation.DotNet, calibration, rounds: 20));
        var second = await cluster.RunAsync(PingPong(Contracts.Emulation.DotNet, calibration, rounds: 20));

        foreach (var result in new[] { first, second })
        {
            Assert.True(result.Correct);
            Assert.Contains(result.Notes, n => n.Contains($"{Grains.Engines.Process.Emulated.ProcessCosts.ProbeRounds} rounds of {Grains.Engines.Process.Emulated.ProcessCosts.ProbeRoundTrips} round trips", StringComparison.Ordinal)
                                               && n.Contains("measured for this run", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_run_is_probed_when_it_is_prepared_on_a_silo_so_the_probes_are_not_in_its_start()
    {
        var runId = Guid.NewGuid().ToString("N");
        var costs = cluster.SiloServices.GetRequiredService<Grains.Engines.Process.Emulated.ProcessCosts>();
        var silo = cluster.SiloServices.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Assert.Null(costs.GrainCallOf(runId));

        // The engine prepares every silo before its start clock; the workers' starts then find the run's probes made.
        await Grains.Measurement.SiloProbeGrain.On(cluster.Client, silo).Prepare(runId, PingPong(Contracts.Emulation.DotNet, SyntheticCalibration.With(startMicros: 0), rounds: 20));

        Assert.NotNull(costs.GrainCallOf(runId));
    }

    [Fact]
    public async Task Emulating_on_a_thread_model_is_refused()
    {
        var spec = PingPong(Contracts.Emulation.DotNet, SyntheticCalibration.With()) with { Model = Models.Thread };

        var refusal = await Assert.ThrowsAsync<RunRefusedException>(() => cluster.RunAsync(spec));
        Assert.Equal(RefusedSetting.Model, refusal.Setting); // the CLI maps it to --model; the cluster speaks no flag names
        Assert.Contains("only the process model emulates processes", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timer_waits_at_least_half_of_what_it_is_asked()
    {
        var ticks = Stopwatch.Frequency / 5_000; // 200 µs
        var start = Stopwatch.GetTimestamp();
        var waits = Enumerable.Range(0, 50).Select(_ => Grains.Workloads.Io.IoTimer.Shared.WaitAsync(ticks)).ToArray();

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException names no wait: 50 IoTimer waits of 200 µs
        Assert.True(Stopwatch.GetTimestamp() - start >= ticks / 2, "a 200 µs wait ended before 100 µs");
    }
}
