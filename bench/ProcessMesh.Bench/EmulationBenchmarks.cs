using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Bench;

/// <summary>
/// <c>emulation</c>: how close the emulation of processes comes to the real ones on this machine. Emulated
/// <c>dotnet</c> over a pipe against <c>--model os</c> over a pipe, alternating trial by trial in one silo (so drift
/// hits both): pingpong at 1 and 8 pairs, ring at 16 workers, cpu speedup at 2 and 4 workers, memory per worker at 8
/// and 64 workers, start per worker. Then emulated <c>python</c> over a pipe against CPython's own
/// <c>multiprocessing.Pipe</c> ping-pong (calibrate.py's ipc-bench) run beside it. The calibration is the silo's own
/// (the cached one, or measured now and cached); with <c>fresh</c> figures (the default) each trial's emulated run
/// takes the figures its row depends on as measured just before it (<see cref="FreshFigures"/>), so the error is the
/// emulation's, not the machine's drift since the calibration; <c>--cached</c> runs every trial on the calibration.
/// </summary>
internal static class EmulationBenchmarks
{
    private const double Target = 0.15;

    /// <summary>The one-way grain call an emulated run took off (the median of the recent probes' one way), in its notes.</summary>
    private static readonly System.Text.RegularExpressions.Regex _probe = new(@"\(([0-9.]+) µs one way, [0-9.]+ µs of CPU: of up to");

    /// <summary>What carrying a message costs that an emulated run took off its burn (µs of CPU), in its notes.</summary>
    private static readonly System.Text.RegularExpressions.Regex _carrying = new(@"what carrying a message costs beyond the call and its burns, ([0-9.]+) µs of CPU");

    /// <summary>The comparisons <c>--only</c> can pick, in the order they run.</summary>
    public static readonly string[] Parts = ["pingpong", "ring", "cpu", "memory", "python"];

    /// <summary>Runs the comparisons in <paramref name="parts"/>; true when each is within 15 %.</summary>
    public static async Task<bool> RunAsync(IGrainFactory grains, IServiceProvider services, int trials, IReadOnlySet<string> parts, bool fresh)
    {
        var started = Stopwatch.GetTimestamp();
        var calibration = await services.GetRequiredService<ICalibrationSource>().GetAsync(quick: false, CancellationToken.None);
        Console.WriteLine($"calibration: {calibration.Machine.Name}, measured {calibration.MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(calibration.Quick ? " (quick)" : "")} ({Stopwatch.GetElapsedTime(started).TotalSeconds:0} s to read or measure)");
        Console.WriteLine(fresh
            ? "figures: fresh: each trial's emulated run takes the figures its row depends on (a quiet pair's message, the crowd, the start) as the calibration's own benchmarks measure them just before it (--cached: the calibration for every trial)"
            : "figures: cached: every trial's emulated run takes the calibration above");
        foreach (var profile in new[] { Emulation.DotNet, Emulation.Python })
        {
            if (calibration.Process(profile) is not { } process)
            {
                continue;
            }

            var costs = CostModel.For(profile, "pipe", calibration)!;
            var grain = await services.GetRequiredService<Grains.Engines.Process.Emulated.ProcessCosts>().ProbeGrainCallAsync();
            var paid = costs.WithGrainCall(grain.OneWayMicros, grain.CpuMicros).Paid(sizeof(long));
            var (startCpu, startWait) = costs.StartPaid();
            Console.WriteLine(
                $"  {profile} over a pipe, 8 B: one way {costs.OneWayMicros(8):0.0} µs, CPU sender {costs.SenderCpuMicros(8):0.0} + receiver {costs.ReceiverCpuMicros(8):0.0} µs; "
                + $"start {process.StartMicros / 1000:0.0} ms wall, {process.StartCpuMicros / 1000:0.0} ms CPU (crowd of 8: {process.Crowds.FirstOrDefault(c => c.Running == 8)?.StartMicros / 1000 ?? 0:0.0} ms a process); "
                + $"footprint (Pss) with 8 running {costs.FootprintBytesFor(8) / 1048576.0:0.0} MiB, with 64 {costs.FootprintBytesFor(64) / 1048576.0:0.0} MiB");
            Console.WriteLine(
                $"    a grain call here now costs {grain.OneWayMicros:0.0} µs one way, {grain.CpuMicros:0.0} µs CPU (each run probes again); a message whose call takes that one way pays on top: CPU on its path {paid.SenderMicros:0.0} + {paid.ReceiverMicros:0.0} µs, "
                + $"beside it {paid.OverlappedMicros:0.0} µs, wait {paid.WaitMicros:0.0} µs; a start burns {startCpu / 1000:0.0} ms and waits {startWait / 1000:0.0} ms "
                + $"(among 8: burns {costs.StartPaidFor(8).CpuMicros / 1000:0.0} ms, among 64: {costs.StartPaidFor(64).CpuMicros / 1000:0.0} ms)");
            if (process.Contention is { } crowd)
            {
                var crowded = costs.WithGrainCall(grain.OneWayMicros, grain.CpuMicros).ForWorkers(16);
                var paid16 = crowded.Paid(sizeof(long));
                Console.WriteLine(
                    $"    among {crowd.Processes} processes: woken one way {crowd.WokenOneWayMicros:0.0} µs ({crowd.WokenCpuMicros:0.0} µs CPU a message), {crowd.Processes / 2} pairs at once {crowd.PairsOneWayMicros:0.0} µs one way, {crowd.PairsCpuMicros:0.0} µs CPU a message; "
                    + $"with 16 workers (crowded {crowded.Crowding:P0}) a message pays on top: CPU on its path {paid16.SenderMicros:0.0} + {paid16.ReceiverMicros:0.0} µs, beside it {paid16.OverlappedMicros:0.0} µs, wait {paid16.WaitMicros:0.0} µs");
            }
        }

        var ok = true;
        var rows = new List<string>();
        var probes = new List<double>();
        async Task<RunResult> Run(RunSpec spec)
        {
            var result = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec);
            if (result.Notes.Select(n => _probe.Match(n)).FirstOrDefault(m => m.Success) is { } probe)
            {
                probes.Add(double.Parse(probe.Groups[1].Value, CultureInfo.InvariantCulture));
            }

            return result.Correct ? result : throw new InvalidOperationException($"{spec.Model} {spec.Workload} {spec.Workers}: wrong answer ({result.Outcome}: {result.Failure})");
        }

        RunSpec Emulated(RunSpec spec) => spec with { Model = Models.Process, Emulate = Emulation.DotNet, Ipc = "pipe" };
        RunSpec Real(RunSpec spec) => spec with { Model = Models.Os, Ipc = "pipe" };

        // The calibration a trial's emulated run takes: the silo's, or with the row's figures measured again just before it.
        async Task<Calibration> Figures(Func<Calibration, CancellationToken, Task<Calibration>> again) =>
            fresh ? await again(calibration, CancellationToken.None) : calibration;

        // Rates: one emulated and one real run per trial, after a warm-up pair; the error is the median of per-trial errors.
        // Beside it, what the trials' calibrations predict, so a miss reads as the emulation off its calibration or the
        // machine off its calibration now.
        async Task Rate(string what, RunSpec spec, Func<Calibration, double> predict, Func<Calibration, CancellationToken, Task<Calibration>> again)
        {
            var (emulated, real, predicted) = (new List<double>(), new List<double>(), new List<double>());
            var (cpu, carried) = (new List<double>(), new List<double>());
            for (var trial = 0; trial <= trials; trial++)
            {
                var figures = await Figures(again);
                var e = await Run(Emulated(spec) with { Calibration = figures });
                var r = await Run(Real(spec));
                if (trial > 0)
                {
                    emulated.Add(e.Throughput);
                    real.Add(r.Throughput);
                    predicted.Add(predict(figures));
                    cpu.Add(e.Messages > 0 ? e.CpuSeconds * 1e6 / e.Messages : double.NaN);
                    if (e.Notes.Select(n => _carrying.Match(n)).FirstOrDefault(m => m.Success) is { } carrying)
                    {
                        carried.Add(double.Parse(carrying.Groups[1].Value, CultureInfo.InvariantCulture));
                    }
                }
            }

            ok &= Row(rows, what, emulated, real, v => $"{v:N0}/s");
            rows.Add(Predicted(predict(calibration), predicted, emulated, real, v => $"{v:N0}/s"));
            rows.Add($"  (emulated: {Median(cpu):0.0} µs of the silo's CPU a message, median; carrying taken off the burn {(carried.Count > 0 ? $"{Median(carried):0.0} µs (range {carried.Min():0.0}–{carried.Max():0.0})" : "none")})");
        }

        static double Pair(Calibration c) => 1e6 / (2 * CostModel.For(Emulation.DotNet, "pipe", c)!.OneWayMicros(8));
        static double Pairs(Calibration c) => c.Process(Emulation.DotNet)?.Contention is { } crowd ? crowd.Processes / 2 * 1e6 / (2 * crowd.PairsOneWayMicros) : double.NaN;
        static double Ring(Calibration c) => c.Process(Emulation.DotNet)?.Contention is { } crowd ? 1e6 / crowd.WokenOneWayMicros : double.NaN;
        var dotnet = ProcessKind.DotNet();
        if (parts.Contains("pingpong"))
        {
            await Rate("pingpong, 1 pair (round trips/s)", new RunSpec { Workload = Workload.PingPong, Workers = 2, Work = 60_000 }, Pair, (c, ct) => FreshFigures.QuietPairAsync(c, dotnet, ct));
            await Rate("pingpong, 8 pairs (round trips/s)", new RunSpec { Workload = Workload.PingPong, Workers = 16, Work = 120_000 }, Pairs, FreshFigures.CrowdAsync);
        }

        if (parts.Contains("ring"))
        {
            await Rate("ring, 16 workers (hops/s)", new RunSpec { Workload = Workload.Ring, Workers = 16, Work = 60_000 }, Ring, FreshFigures.CrowdAsync);
        }

        // Speedups: wall at 1 worker over wall at n, per trial, each model's pair run back to back.
        foreach (var workers in parts.Contains("cpu") ? new[] { 2, 4 } : [])
        {
            var (emulated, real) = (new List<double>(), new List<double>());
            var cpu = new RunSpec { Workload = Workload.Cpu, Work = 600_000 };
            for (var trial = 0; trial <= trials; trial++)
            {
                var e = (await Run(Emulated(cpu with { Workers = 1 }))).WallSeconds / (await Run(Emulated(cpu with { Workers = workers }))).WallSeconds;
                var r = (await Run(Real(cpu with { Workers = 1 }))).WallSeconds / (await Run(Real(cpu with { Workers = workers }))).WallSeconds;
                if (trial > 0)
                {
                    emulated.Add(e);
                    real.Add(r);
                }
            }

            ok &= Row(rows, $"cpu speedup, {workers} workers", emulated, real, v => $"{v:0.00}x");
        }

        // Memory and start: a short cpu run; the emulation's memory per worker (its held footprint: the calibrated mean
        // Pss per process with that many running) against the real processes' mean Pss, the same definition; their
        // resident set shown. Start per worker: startSeconds over the workers in both. Up to 3 trials: they barely move.
        foreach (var workers in parts.Contains("memory") ? new[] { 8, 64 } : [])
        {
            var (memory, realPss, realRss, start, realStart) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            var cpu = new RunSpec { Workload = Workload.Cpu, Workers = workers, Work = workers * 1_000L };
            for (var trial = 0; trial < Math.Clamp(trials - 1, 1, 3); trial++)
            {
                var e = await Run(Emulated(cpu) with { Calibration = await Figures((c, ct) => FreshFigures.StartAsync(c, workers, ct)) });
                var r = await Run(Real(cpu));
                memory.Add(e.MemoryPerWorkerBytes / 1048576.0);
                realPss.Add((r.PssPerWorkerBytes ?? 0) / 1048576.0);
                realRss.Add(r.MemoryPerWorkerBytes / 1048576.0);
                start.Add((e.StartSeconds ?? 0) * 1000 / workers);
                realStart.Add((r.StartSeconds ?? 0) * 1000 / workers);
            }

            ok &= Row(rows, $"memory per worker, {workers} workers, Pss (MiB)", memory, realPss, v => $"{v:0.0} MiB");
            rows.Add($"  (real resident set per worker {Median(realRss):0.0} MiB)");
            ok &= Row(rows, $"start per worker, {workers} workers (ms)", start, realStart, v => $"{v:0.00} ms");
        }

        if (parts.Contains("python"))
        {
            ok &= await PythonPingPong(grains, calibration, fresh, trials, rows, probes);
        }

        Console.WriteLine();
        Console.WriteLine($"emulated (process model, --emulate dotnet --ipc pipe) against real (--model os --ipc pipe); error = emulated / real - 1, median of per-trial errors over {trials} trials after a warm-up; target within {Target:P0}; {(fresh ? "figures measured before each trial" : "the cached calibration's figures")}");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        if (probes.Count > 0)
        {
            var sorted = probes.Order().ToList();
            Console.WriteLine($"  the grain call each emulated run took off what a message pays (one way, µs, the median of the silo's recent probes): min {sorted[0]:0.0}, median {Median(probes):0.0}, max {sorted[^1]:0.0} over {probes.Count} runs");
        }

        Console.WriteLine($"  {ClusterBenchmarks.LoadAverage()}; {Stopwatch.GetElapsedTime(started).TotalMinutes:0.0} min");
        return ok;
    }

    /// <summary>Emulated python pingpong, 1 pair, against calibrate.py's multiprocessing.Pipe ping-pong at 8 B, alternating.</summary>
    private static async Task<bool> PythonPingPong(IGrainFactory grains, Calibration calibration, bool fresh, int trials, List<string> rows, List<double> probes)
    {
        if (Python3.Find() is not { } python || ProcessKind.Python() is not { } kind || calibration.Process(Emulation.Python) is null)
        {
            rows.Add("python: no python3 on PATH or in the calibration: not compared");
            return true;
        }

        static double Pair(Calibration c) => 1e6 / (2 * CostModel.For(Emulation.Python, "pipe", c)!.OneWayMicros(8));
        var (emulated, real, predicted) = (new List<double>(), new List<double>(), new List<double>());
        var spec = new RunSpec { Model = Models.Process, Workload = Workload.PingPong, Workers = 2, Work = 20_000, Emulate = Emulation.Python, Ipc = "pipe" };
        for (var trial = 0; trial <= trials; trial++)
        {
            var figures = fresh ? await FreshFigures.QuietPairAsync(calibration, kind, CancellationToken.None) : calibration;
            var e = await grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid()).Run(spec with { Calibration = figures });
            if (e.Notes.Select(n => _probe.Match(n)).FirstOrDefault(m => m.Success) is { } probe)
            {
                probes.Add(double.Parse(probe.Groups[1].Value, CultureInfo.InvariantCulture));
            }

            var r = await CPythonRoundTripsPerSecond(python, seconds: 1.5);
            if (trial > 0)
            {
                emulated.Add(e.Throughput);
                real.Add(r);
                predicted.Add(Pair(figures));
            }
        }

        var met = Row(rows, "python pingpong, 1 pair, vs multiprocessing.Pipe (round trips/s)", emulated, real, v => $"{v:N0}/s");
        rows.Add(Predicted(Pair(calibration), predicted, emulated, real, v => $"{v:N0}/s"));
        return met;
    }

    /// <summary>calibrate.py's ipc-bench over multiprocessing.Pipe at 8 B: round trips per second (the child is killed by PID if it is left).</summary>
    private static async Task<double> CPythonRoundTripsPerSecond(string python, double seconds)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { Python3.CalibrationScript, "ipc-bench", "--ipc", "pipe", "--sizes", "8", "--seconds", seconds.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("calibrate.py ipc-bench printed nothing");
            await process.WaitForExitAsync();
            using var json = JsonDocument.Parse(line);
            return json.RootElement.GetProperty("roundTrips").GetDouble() / json.RootElement.GetProperty("seconds").GetDouble(); // its timed rounds' elapsed time
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool Row(List<string> rows, string what, List<double> emulated, List<double> real, Func<double, string> format)
    {
        var error = Median(emulated.Zip(real, (e, r) => (e / r) - 1).ToList());
        var met = Math.Abs(error) <= Target;
        var errors = string.Join(", ", emulated.Zip(real, (e, r) => Percent((e / r) - 1)));
        rows.Add($"  {what,-52} emulated {format(Median(emulated)),14}   real {format(Median(real)),14}   error {error,6:+0.0%;-0.0%}  ({errors})  {(met ? "met" : "MISSED")}");
        rows.Add($"    trials: emulated {format(emulated.Min())} to {format(emulated.Max())}, real {format(real.Min())} to {format(real.Max())}");
        return met;
    }

    /// <summary>
    /// What the trials' calibrations predict of a rate (their median), and how far each side's median is from it; with
    /// fresh figures, also what the silo's calibration predicts, so the machine's drift since it reads apart from the
    /// emulation's error.
    /// </summary>
    private static string Predicted(double cached, List<double> predicted, List<double> emulated, List<double> real, Func<double, string> format)
    {
        var median = Median(predicted);
        if (!double.IsFinite(median))
        {
            return "    the calibration has no figure to predict this from";
        }

        var moved = Math.Abs(median - cached) > 1e-9 * cached
            ? $" (measured before each trial: {format(predicted.Min())} to {format(predicted.Max())}; the silo's calibration predicts {format(cached)})"
            : "";
        return $"    the calibration predicts {format(median)}{moved}: emulated {Percent((Median(emulated) / median) - 1)} off it, real {Percent((Median(real) / median) - 1)}";
    }

    private static string Percent(double fraction) => Math.Round(fraction, 2).ToString("+0%;-0%;+0%", CultureInfo.InvariantCulture);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
