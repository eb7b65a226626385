using System.Diagnostics;
using System.Text.Json;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Tests.Calibrate;

/// <summary>
/// CPython's message figures (calibrate.py, since calibration format 6) follow the rule of the worker's
/// <c>ipc-bench</c> (<see cref="ProcessMesh.Worker.Ipc.Rounds"/>): its rule functions called with synthetic times, and
/// its <c>ipc-bench</c> and thread hand-off run for a moment, each line in 5 rounds with its elapsed time.
/// </summary>
public sealed class CPythonMessageRoundsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_one_way_is_the_median_round_of_half_each_rounds_mean_round_trip()
    {
        // The rounds of MessageRoundsTests, in seconds: each round's mean round trip 30, 40, 204 µs, so 20 µs one way;
        // their medians (10, 40, 5 µs), or the phase's (10 µs), would have made it 5.
        var figures = await Run("of_rounds", """
            [([10e-6, 10e-6, 10e-6, 90e-6], 400e-6), ([40e-6] * 4, 80e-6), ([5e-6] * 4 + [1000e-6], 200e-6)]
            """);

        Assert.Equal(3, figures.GetArrayLength());
        Assert.Equal(20, figures[0].GetDouble(), 6);
        Assert.Equal(20, figures[1].GetDouble(), 6); // CPU per round trip 100, 20, 40 µs, halved: 50, 10, 20: the median 20
        Assert.Equal(13, figures[2].GetInt64());
    }

    [Fact]
    public async Task A_round_without_a_round_trip_is_left_out()
    {
        var figures = await Run("of_rounds", "[([], 500e-6), ([8e-6, 8e-6], 16e-6)]");

        Assert.Equal(4, figures[0].GetDouble(), 6);
        Assert.Equal(2, figures[2].GetInt64());
    }

    [Fact]
    public async Task The_split_is_the_streams_ratio_and_adds_up_to_the_round_trips_cpu()
    {
        var streamed = await Run("split", "20, 0.003, 0.001");
        var silent = await Run("split", "20, 0.0, 0.0");

        Assert.Equal(15, streamed[0].GetDouble(), 6);
        Assert.Equal(5, streamed[1].GetDouble(), 6);
        Assert.Equal(10, silent[0].GetDouble(), 6);
        Assert.Equal(10, silent[1].GetDouble(), 6);
    }

    [Theory]
    [InlineData("pipe")]
    [InlineData("queue")]
    public async Task Its_ipc_bench_measures_each_size_in_five_rounds(string ipc)
    {
        var output = await Script(["ipc-bench", "--ipc", ipc, "--sizes", "8,65536", "--seconds", "0.2"], $"calibrate.py ipc-bench --ipc {ipc}");

        AssertLines(output, ipc, [8, 65536]);
    }

    [Fact]
    public async Task Its_ipc_bench_takes_one_time_a_size()
    {
        // The calibration's quiet 8 B sample runs shorter than the other sizes. A size's rounds run until their time is
        // up, so the second size's elapsed time is at least its own 0.3 s, not the first's 0.05.
        var output = await Script(["ipc-bench", "--ipc", "pipe", "--sizes", "8,1024", "--seconds", "0.05,0.3"], "calibrate.py ipc-bench --seconds 0.05,0.3");

        AssertLines(output, "pipe", [8, 1024]);
        using var second = JsonDocument.Parse(output[1]);
        Assert.True(second.RootElement.GetProperty("seconds").GetDouble() >= 0.3, output[1]);
    }

    [Fact]
    public async Task Its_ipc_bench_refuses_times_that_are_not_one_for_every_size_or_one_a_size()
    {
        var (exitCode, _, errors) = await Exit([Python3.CalibrationScript, "ipc-bench", "--ipc", "pipe", "--sizes", "8,1024", "--seconds", "0.1,0.2,0.3"], "calibrate.py ipc-bench --seconds 0.1,0.2,0.3");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--seconds: 3 times for 2 sizes", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_thread_hand_off_is_measured_in_five_rounds()
    {
        var output = await Script(["threads", "--sizes", "8", "--seconds", "0.2", "--starts", "2", "--parked", "2"], "calibrate.py threads");

        AssertLines(output.Skip(1).ToList(), "handoff", [8]); // its first line: thread start and a parked thread
    }

    /// <summary>Each line a size's figures: five rounds, their elapsed time, and CPU that adds up to something.</summary>
    private static void AssertLines(IReadOnlyList<string> lines, string ipc, int[] sizes)
    {
        Assert.Equal(sizes.Length, lines.Count);
        foreach (var (line, size) in lines.Zip(sizes))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(ipc, root.GetProperty("ipc").GetString());
            Assert.Equal(size, root.GetProperty("payloadBytes").GetInt32());
            Assert.Equal(5, root.GetProperty("rounds").GetInt32());
            Assert.True(root.GetProperty("roundTrips").GetInt64() >= 5, line);
            Assert.True(root.GetProperty("seconds").GetDouble() > 0, line);
            Assert.True(root.GetProperty("oneWayMicros").GetDouble() > 0, line);
            var sender = root.GetProperty("senderCpuMicros").GetDouble();
            var receiver = root.GetProperty("receiverCpuMicros").GetDouble();
            Assert.True(sender >= 0 && receiver >= 0 && sender + receiver > 0, line);
        }
    }

    /// <summary>calibrate.py's <paramref name="function"/> called with <paramref name="arguments"/> (python literals) by a <c>python3 -c</c>: its result, as JSON.</summary>
    private static async Task<JsonElement> Run(string function, string arguments)
    {
        var code = $"""
            import json, sys
            sys.dont_write_bytecode = True
            sys.path.insert(0, {JsonSerializer.Serialize(Path.GetDirectoryName(Python3.CalibrationScript))})
            import calibrate
            print(json.dumps(calibrate.{function}({arguments.Trim()})))
            """;
        var output = await Start(["-c", code], $"python3 -c calibrate.{function}");
        using var json = JsonDocument.Parse(Assert.Single(output));
        return json.RootElement.Clone();
    }

    private static Task<IReadOnlyList<string>> Script(IReadOnlyList<string> arguments, string name) =>
        Start([Python3.CalibrationScript, .. arguments], name);

    /// <summary>
    /// Runs python3 with <paramref name="arguments"/> to its end: its lines; killed (by its PID, with the child it
    /// started) if it is left. Not a <see cref="ChildProcess"/>: other classes' tests, running beside these, check that
    /// no process carrying its owner variable is left.
    /// </summary>
    private static async Task<IReadOnlyList<string>> Start(IReadOnlyList<string> arguments, string name)
    {
        var (exitCode, output, errors) = await Exit(arguments, name);
        Assert.True(exitCode == 0, $"{name} exited with {exitCode}: {errors}");
        return output;
    }

    /// <summary>Runs python3 with <paramref name="arguments"/> to its end, as <see cref="Start"/> does: its exit code, its lines, its standard error.</summary>
    private static async Task<(int ExitCode, IReadOnlyList<string> Output, string Errors)> Exit(IReadOnlyList<string> arguments, string name)
    {
        var python = Python3.Find() ?? throw new InvalidOperationException("python3 is not on PATH: calibrate.py cannot be tested");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        try
        {
            using var limit = new CancellationTokenSource(Limit);
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await errors);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{name} did not finish within {Limit.TotalSeconds:0} s");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
    }
}
