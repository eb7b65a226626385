using System.CommandLine;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// What every verb does once its input is checked: reach the cluster, do the work with progress, print, and
/// exit with a code scripts can trust (0 done, 1 a run failed, 2 bad input, 3 no cluster).
/// </summary>
internal static class Execution
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;

    /// <summary>
    /// Measures the specs <paramref name="plan"/> makes from the cluster's catalog, and prints the results that
    /// <paramref name="keep"/> selects. The models (<paramref name="modelOption"/>) and the workload asked for are
    /// checked against what the cluster runs before anything runs. With <paramref name="withIsolation"/>, also
    /// measures the hand-off in both models and derives the cost of isolation.
    /// </summary>
    public static Task<int> MeasureAsync(
        ParseResult parse,
        SharedOptions options,
        string modelOption,
        string workersOption,
        IReadOnlyList<string> models,
        Func<ClusterCatalog, IReadOnlyList<RunSpec>> plan,
        Func<IReadOnlyList<RunResult>, IReadOnlyList<RunResult>> keep,
        bool withIsolation,
        CancellationToken cancellationToken)
    {
        if (options.Emulation.Check(parse, [.. models.Distinct()]) is { } emulation)
        {
            return Task.FromResult(Fail(emulation, BadInput));
        }

        var experiment = options.Experiment(parse);
        return WithClusterAsync(parse, options.Common, async connection =>
        {
            var catalog = await connection.CatalogAsync(cancellationToken);
            CatalogCheck.Require(CatalogCheck.Models(catalog, modelOption, models) ?? CatalogCheck.Workload(catalog, "--workload", parse.GetValue(options.Workload).Name ?? ""));
            var specs = plan(catalog);
            CatalogCheck.Require(CatalogCheck.Specs(catalog, specs, modelOption, workersOption));

            // Every spec admitted by the cluster before the first run starts: a request that cannot fit is refused
            // whole, not after its baseline has run.
            foreach (var spec in specs.Distinct())
            {
                await connection.AdmitAsync(spec, cancellationToken);
            }

            // On a cluster, the hand-off also runs with the pair on two silos: what crossing one costs a message.
            var handOff = withIsolation ? HandOffCost.Specs([.. specs.Select(s => s.Model).Distinct()], (await connection.SilosAsync(cancellationToken)).Length) : [];

            // What a real process costs on this machine, printed beside the grain and the thread: read before the
            // runs, so a first run's quick calibration does not share the cores with them.
            var calibration = handOff.Count > 0
                ? await CompareCalibration.GetAsync(connection, parse.GetValue(options.Common.CalibrationFile), parse.GetValue(options.Common.Quiet), cancellationToken)
                : null;
            var runner = new ExperimentRunner(connection.Grains, catalog, experiment, connection.Watch);
            var measured = await ProgressReporter.RunAsync(
                $"{specs[0].Workload.ToString().ToLowerInvariant()} on {connection.Description}",
                parse.GetValue(options.Common.Quiet),
                p => runner.RunAllAsync([.. specs, .. handOff], p, cancellationToken, extraFrom: specs.Count));
            var results = keep(measured.Results);
            var cost = HandOffCost.From(measured.Extra);
            string[] failures = [.. measured.Failures, .. Interruption.Line(measured.Interrupted, results.Count)];
            var errors = withIsolation ? EmulationError.From(results) : [];
            return new Report(
                results,
                withIsolation ? IsolationCost.From(results, cost) : null,
                failures.Length > 0 ? failures : null,
                HandOff: cost,
                ProcessCost: withIsolation && cost is not null ? ProcessCost.From(results, cost, calibration, EmulationOptions.OnPath("python3")) : null,
                ThreadCost: withIsolation ? ThreadCost.From(results, cost, calibration) : null,
                EmulationError: errors.Count > 0 ? errors : null);
        }, cancellationToken);
    }

    /// <summary>
    /// Reaches the cluster, runs <paramref name="work"/>, prints its report, and stops what it started. With
    /// <paramref name="fromOutside"/>, an embedded silo is reached through its gateway, like a remote one.
    /// A --out file that cannot be written is refused before anything starts.
    /// </summary>
    public static async Task<int> WithClusterAsync(ParseResult parse, CommonOptions common, Func<ClusterConnection, Task<Report>> work, CancellationToken cancellationToken, bool fromOutside = false)
    {
        var outFile = parse.GetResult(common.Out) is not null ? parse.GetValue(common.Out) : null;
        if (outFile is not null && OutputTarget.CheckFile(outFile) is { } unwritable)
        {
            return Fail(unwritable, BadInput);
        }

        return await WithConnectionAsync(parse, common, async connection =>
        {
            var report = await work(connection);
            var format = parse.GetValue(common.Format);
            common.Writer(parse, format).Write(report, Console.Out);
            var written = true;
            if (outFile is not null)
            {
                var fileFormat = ResultFormats.ForFile(outFile.Name, format);
                written = OutputTarget.TryWrite(
                    outFile.FullName,
                    () =>
                    {
                        outFile.Directory?.Create();
                        using var writer = new StreamWriter(outFile.FullName);
                        ResultFormats.For(fileFormat).Write(report, writer);
                    },
                    () =>
                    {
                        if (fileFormat != format)
                        {
                            ResultFormats.For(fileFormat).Write(report, Console.Out);
                        }
                    });
            }

            foreach (var failure in report.Failures ?? [])
            {
                await Console.Error.WriteLineAsync($"processmesh: failed: {failure}");
            }

            return report.Failures is { Count: > 0 } || !written ? RunFailed : Ok;
        }, cancellationToken, fromOutside);
    }

    /// <summary>
    /// Reaches the cluster the options name, runs <paramref name="work"/> (which prints what it has and returns
    /// the exit code), and stops what it started. A refused request (<see cref="ArgumentException"/>, or the
    /// cluster's <see cref="RunRefusedException"/> when it reaches here) is bad input; an interruption is a failed run.
    /// </summary>
    public static async Task<int> WithConnectionAsync(ParseResult parse, CommonOptions common, Func<ClusterConnection, Task<int>> work, CancellationToken cancellationToken, bool fromOutside = false)
    {
        var verbose = parse.GetValue(common.Verbose);
        ClusterConnection connection;
        try
        {
            connection = await ClusterConnection.OpenAsync(common.Access(parse), fromOutside, TimeSpan.FromSeconds(parse.GetValue(common.ConnectTimeout)), verbose, cancellationToken);
        }
        catch (ClusterUnreachableException e)
        {
            return Fail(e.Message, Unreachable);
        }

        await using (connection)
        {
            try
            {
                return await work(connection);
            }
            catch (BadInputException e)
            {
                return Fail(e.Message, BadInput);
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message, BadInput);
            }
            catch (RunRefusedException e)
            {
                return Fail(Refused(e), BadInput);
            }
            catch (OperationCanceledException)
            {
                return Fail("interrupted before the runs finished", RunFailed);
            }
            catch (ClusterLostException e)
            {
                return Fail($"lost: {e.Message}", RunFailed);
            }
            catch (TimeoutException e)
            {
                return Fail(e.Message, RunFailed);
            }
        }
    }

    /// <summary>A refusal from the cluster, in the CLI's terms: the option of the refused setting, then why.</summary>
    public static string Refused(RunRefusedException e) => Refused(new Refusal(e.Setting, e.Message));

    /// <summary>A refusal in the CLI's terms: the option of the refused setting (<paramref name="workersOption"/> for the worker count), then why.</summary>
    public static string Refused(Refusal refusal, string workersOption = "--workers") => $"{Option(refusal.Setting, workersOption)}: {refusal.Reason}";

    /// <summary>The option (or the options weighed together) that sets <paramref name="setting"/>.</summary>
    private static string Option(RefusedSetting setting, string workersOption) => setting switch
    {
        RefusedSetting.Workers => workersOption,
        RefusedSetting.Memory => $"--memory/{workersOption}",
        RefusedSetting.Grains => "--grains/--memory",
        _ => $"--{setting.ToString().ToLowerInvariant()}",
    };

    /// <summary>One line on standard error, and the exit code.</summary>
    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"processmesh: {message}");
        return code;
    }
}
