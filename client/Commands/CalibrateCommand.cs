using System.CommandLine;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// <c>processmesh calibrate</c>: what real OS processes and threads cost on each machine of the cluster (this one,
/// by the embedded silo, when no cluster is named), measured there by a grain on one silo of the machine, and cached.
/// </summary>
internal static class CalibrateCommand
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(200);

    public static Command Create()
    {
        var common = new CommonOptions();
        var quick = new Option<bool>("--quick") { Description = "Only what a first compare needs: start, idle memory, 8 B messages over a pipe, alone and in a crowd (seconds, not a minute)." };
        var again = new Option<bool>("--again") { Description = "Measure again even when the machine's calibration is cached, and cache the new one." };
        var outFile = new Option<FileInfo?>("--out")
        {
            Description = "Also write the calibration JSON to FILE (what --calibration reads). Checked before anything runs.",
            HelpName = "FILE",
        };
        var command = new Command("calibrate", """
            Measure what real OS processes and threads cost on this machine (or on each machine of the cluster
            named): a .NET worker process and CPython (when python3 is on PATH) — start, resident memory and Pss
            alone and with 8 and 64 running, messages over pipe, Unix socket and TCP (.NET) or multiprocessing's
            Pipe and Queue (CPython) at 8 B to 1 MiB, and among a crowd of 16 (a woken process, pairs at once) —
            and threads (start, parked memory, a hand-off). The result is
            cached per machine (under $XDG_CACHE_HOME/processmesh or ~/.cache/processmesh) and reused until --again.

            Examples:
              processmesh calibrate
              processmesh calibrate --quick --format json
              processmesh calibrate --again --out calibration.json
            """);
        command.Options.Add(quick);
        command.Options.Add(again);
        command.Options.Add(outFile);
        common.AddTo(command, withOutFile: false);
        common.AddCalibrationTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var format = parse.GetValue(common.Format);
            if (format == OutputFormat.Csv)
            {
                return Execution.Fail("--format: a calibration prints as table or json", Execution.BadInput);
            }

            var file = parse.GetValue(outFile);
            if (file is not null && OutputTarget.CheckFile(file) is { } unwritable)
            {
                return Execution.Fail(unwritable, Execution.BadInput);
            }

            if (parse.GetValue(common.CalibrationFile) is { } given)
            {
                return Print([given], format, file, TableFormat.TerminalWidth());
            }

            return await Execution.WithConnectionAsync(parse, common, async connection =>
            {
                IReadOnlyList<Calibration> calibrations;
                try
                {
                    calibrations = await ProgressReporter.RunAsync(
                        $"calibrating on {connection.Description}{(parse.GetValue(quick) ? " (quick)" : "")}",
                        parse.GetValue(common.Quiet),
                        progress => CalibrateAsync(connection, parse.GetValue(quick), parse.GetValue(again), progress, parse.GetValue(common.Quiet), cancellationToken));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
                {
                    return Execution.Fail($"calibration failed: {e.Message}", Execution.RunFailed);
                }

                return Print(calibrations, format, file, TableFormat.TerminalWidth());
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Calibrates one silo on each machine of the cluster, one machine after another, showing each silo's step as it goes.</summary>
    private static async Task<IReadOnlyList<Calibration>> CalibrateAsync(
        ClusterConnection connection, bool quick, bool again, ProgressReporter progress, bool quiet, CancellationToken cancellationToken)
    {
        var machines = new List<(string Host, ICalibrationGrain Grain)>();
        foreach (var silo in await connection.SilosAsync(cancellationToken))
        {
            var grain = connection.Grains.GetGrain<ICalibrationGrain>(silo.ToParsableString());
            var host = await grain.Host();
            if (machines.All(m => m.Host != host))
            {
                machines.Add((host, grain));
            }
        }

        var calibrations = new List<Calibration>();
        foreach (var (host, grain) in machines)
        {
            var asked = DateTimeOffset.UtcNow;
            var prefix = machines.Count > 1 ? $"{host}: " : "";
            var calibration = grain.Calibrate(quick, again);
            var step = 0;
            double left = 0;
            progress.Remaining = () => TimeSpan.FromSeconds(left);
            while (await Task.WhenAny(calibration, Task.Delay(_poll, cancellationToken)) != calibration)
            {
                var now = await grain.Progress();
                if (now.Number != step && now.Number > 0)
                {
                    progress.End();
                    step = now.Number;
                    left = now.SecondsLeft;
                    progress.Begin($"{prefix}{now.Step} ({now.Number}/{now.Of})");
                }
            }

            var result = await calibration;
            progress.End();
            if (result.MeasuredAt < asked && !quiet)
            {
                await Console.Error.WriteLineAsync($"processmesh: {host}: the cached calibration, {result.Describe()}{(result.Quick ? " (quick)" : "")}; --again measures anew");
            }

            calibrations.Add(result);
        }

        return calibrations;
    }

    /// <summary>Prints the calibrations (JSON: the one object, or an array of one per machine) and writes --out.</summary>
    private static int Print(IReadOnlyList<Calibration> calibrations, OutputFormat format, FileInfo? file, int width)
    {
        var json = calibrations.Count == 1 ? CalibrationJson.Write(calibrations[0]) : $"[{string.Join(",\n", calibrations.Select(CalibrationJson.Write))}]";
        if (format == OutputFormat.Json)
        {
            Console.Out.WriteLine(json);
        }
        else
        {
            foreach (var calibration in calibrations)
            {
                CalibrationTable.Write(calibration, Console.Out, width);
            }
        }

        if (file is null)
        {
            return Execution.Ok;
        }

        var written = OutputTarget.TryWrite(
            file.FullName,
            () =>
            {
                file.Directory?.Create();
                File.WriteAllText(file.FullName, json + "\n");
            },
            () =>
            {
                if (format != OutputFormat.Json)
                {
                    Console.Out.WriteLine(json);
                }
            });
        return written ? Execution.Ok : Execution.RunFailed;
    }
}
