using System.CommandLine;
using ProcessMesh.Cli.Output;
using ProcessMesh.Contracts;
using ProcessMesh.Cli.Running;

namespace ProcessMesh.Cli.Commands;

/// <summary><c>processmesh load</c>: a population of process grains under closed- or open-loop load.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var grains = OptionParsing.Defaulted(new Option<int>("--grains", "-g")
        {
            Description = "Process grains in the population.",
            HelpName = "N",
            CustomParser = r => (int)OptionParsing.Whole(r, "--grains", r.Tokens.Single().Value, 1, RunSpec.MaxProcessWorkers),
        }, 1000, "1000");
        var memory = OptionParsing.Defaulted(new Option<long>("--memory")
        {
            Description = "Private memory each grain allocates and touches (64KiB, 1MiB).",
            HelpName = "SIZE",
            CustomParser = r => OptionParsing.Size(r, "--memory", r.Tokens.Single().Value, Array.MaxLength),
        }, 0, "0");
        var payload = OptionParsing.Defaulted(new Option<long>("--payload")
        {
            Description = "Payload bytes each call carries (512, 4KiB).",
            HelpName = "SIZE",
            CustomParser = r => OptionParsing.Size(r, "--payload", r.Tokens.Single().Value, 64L << 20),
        }, 0, "0");
        var duration = OptionParsing.Defaulted(new Option<TimeSpan>("--duration", "-d")
        {
            Description = "How long to drive load after activation (500ms, 30s, 2m).",
            HelpName = "TIME",
            CustomParser = r => OptionParsing.Duration(r, "--duration", r.Tokens.Single().Value, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
        }, TimeSpan.FromSeconds(10), "10s");
        var concurrency = OptionParsing.Defaulted(new Option<int>("--concurrency", "-c")
        {
            Description = "Closed loop: callers, each waiting for its reply before the next call.",
            HelpName = "N",
            CustomParser = r => (int)OptionParsing.Whole(r, "--concurrency", r.Tokens.Single().Value, 1, 100_000),
        }, 16, "16");
        var rate = new Option<double>("--rate", "-r")
        {
            Description = "Open loop: calls a second on a fixed schedule; latencies count from each call's scheduled time (corrected for coordinated omission). Without it, the loop is closed.",
            HelpName = "CALLS",
            CustomParser = r => OptionParsing.Number(r, "--rate", r.Tokens.Single().Value, 1, 10_000_000),
        };
        var ramp = OptionParsing.Defaulted(new Option<TimeSpan>("--ramp")
        {
            Description = "Open loop: time to ramp the rate up from zero (part of --duration).",
            HelpName = "TIME",
            CustomParser = r => OptionParsing.Duration(r, "--ramp", r.Tokens.Single().Value, TimeSpan.Zero, TimeSpan.FromHours(1)),
        }, TimeSpan.Zero, "0s");
        var timeout = OptionParsing.Defaulted(new Option<TimeSpan>("--timeout")
        {
            Description = "A call slower than this counts as a timeout.",
            HelpName = "TIME",
            CustomParser = r => OptionParsing.Duration(r, "--timeout", r.Tokens.Single().Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
        }, TimeSpan.FromSeconds(5), "5s");
        var path = OptionParsing.Defaulted(new Option<string>("--path")
        {
            Description = "Where load comes from: hosted (a driver grain in the cluster; the client's link is not measured) or external (this client, through the silo's gateway, embedded or not).",
            HelpName = "hosted|external",
            CustomParser = r => OptionParsing.OneOf(r, "--path", LoadPaths.All),
        }, LoadPaths.Hosted, LoadPaths.Hosted);

        var command = new Command("load", """
            Activate a population of process grains and drive calls at them: how many grains a silo holds, how fast
            they activate, and what latency they give under load.

            Examples:
              processmesh load --grains 100000 --duration 30s --concurrency 64
              processmesh load --grains 10000 --memory 16KiB --rate 20000 --ramp 5s --duration 1m
              processmesh load --grains 1000 --path external --gateway 127.0.0.1:30000 --format json
            """);
        var thresholds = Threshold.Option();
        Option[] options = [grains, memory, payload, duration, concurrency, rate, ramp, timeout, path, thresholds];
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        common.AddTo(command);
        common.AddCalibrationTo(command);
        command.Validators.Add(result =>
        {
            // Reading a value that failed to parse throws; its own error is already reported.
            if (result.GetResult(ramp) is not { } rampResult || rampResult.Errors.Any() || result.GetResult(duration)?.Errors.Any() == true || result.GetResult(rate)?.Errors.Any() == true)
            {
                return;
            }

            if (result.GetValue(rate) <= 0)
            {
                result.AddError("--ramp: only an open-loop test (--rate) ramps");
            }
            else if (result.GetValue(ramp) >= result.GetValue(duration))
            {
                result.AddError("--ramp: must be shorter than --duration");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = new LoadSpec
            {
                Grains = parse.GetValue(grains),
                MemoryBytes = parse.GetValue(memory),
                PayloadBytes = (int)parse.GetValue(payload),
                Duration = parse.GetValue(duration),
                Concurrency = parse.GetValue(concurrency),
                Rate = parse.GetValue(rate),
                Ramp = parse.GetValue(ramp),
                Timeout = parse.GetValue(timeout),
                Path = parse.GetValue(path)!,
                Calibration = parse.GetValue(common.CalibrationFile),
            };
            return Execution.WithClusterAsync(parse, common, connection => ProgressReporter.RunAsync(
                $"{spec.Path} load on {connection.Description}",
                parse.GetValue(common.Quiet),
                async progress =>
                {
                    var result = await LoadRunner.RunAsync(connection.Grains, connection.Watch, spec, progress, cancellationToken);
                    if (result.SendLag is { } lag && lag.P99 > result.Latency.P99 / 2)
                    {
                        await Console.Error.WriteLineAsync(
                            $"processmesh: note: the sender ran late (p99 {lag.P99:N0} µs behind schedule), so most of the corrected p99 ({result.Latency.P99:N0} µs) " +
                            $"is its lateness, not the calls'; from send the p99 is {result.ServiceLatency!.P99:N0} µs (sendLag, serviceLatency)");
                    }

                    if (result.Outcome == Outcomes.Lost)
                    {
                        return new Report([result], Failures: [$"load: lost: {result.Failure}"]);
                    }

                    var breaches = Threshold.Breaches(parse.GetValue(thresholds) ?? [], [result]);
                    return new Report([result], Failures: breaches.Count > 0 ? breaches : null);
                }), cancellationToken, fromOutside: spec.Path == LoadPaths.External);
        });
        return command;
    }
}
