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

    /// <summary>Measures <paramref name="specs"/> and prints the results that <paramref name="keep"/> selects.</summary>
    public static Task<int> MeasureAsync(
        ParseResult parse,
        SharedOptions options,
        string workersOption,
        IReadOnlyList<RunSpec> specs,
        Func<IReadOnlyList<RunResult>, IReadOnlyList<RunResult>> keep,
        bool withIsolation,
        CancellationToken cancellationToken)
    {
        var embedded = options.Common.Embedded(parse);
        foreach (var spec in specs)
        {
            if (SharedOptions.Check(spec, embedded, workersOption) is { } problem)
            {
                return Task.FromResult(Fail(problem, BadInput));
            }
        }

        var experiment = options.Experiment(parse);
        return WithClusterAsync(parse, options.Common, async connection =>
        {
            var runner = new ExperimentRunner(connection.Grains, experiment);
            var measured = await ProgressReporter.RunAsync(
                $"{specs[0].Workload.ToString().ToLowerInvariant()} on {connection.Description}",
                specs.Count * experiment.StepsPerSpec,
                parse.GetValue(options.Common.Quiet),
                p => runner.RunAllAsync(specs, p, cancellationToken));
            var results = keep(measured.Results);
            return new Report(results, withIsolation ? IsolationCost.From(results) : null, measured.Failures.Count > 0 ? measured.Failures : null);
        }, cancellationToken);
    }

    /// <summary>
    /// Reaches the cluster, runs <paramref name="work"/>, prints its report, and stops what it started. With
    /// <paramref name="fromOutside"/>, an embedded silo is reached through its gateway, like a remote one.
    /// </summary>
    public static async Task<int> WithClusterAsync(ParseResult parse, CommonOptions common, Func<ClusterConnection, Task<Report>> work, CancellationToken cancellationToken, bool fromOutside = false)
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
            Report report;
            try
            {
                report = await work(connection);
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message, BadInput);
            }
            catch (OperationCanceledException)
            {
                return Fail("interrupted before the runs finished", RunFailed);
            }

            var format = parse.GetValue(common.Format);
            ResultWriter.Write(report, format, Console.Out);
            if (parse.GetResult(common.Out) is not null && parse.GetValue(common.Out) is { } file)
            {
                file.Directory?.Create();
                await using var writer = new StreamWriter(file.FullName);
                ResultWriter.Write(report, ResultWriter.FormatFor(file.Name, format), writer);
            }

            foreach (var failure in report.Failures ?? [])
            {
                await Console.Error.WriteLineAsync($"processmesh: failed: {failure}");
            }

            return report.Failures is { Count: > 0 } ? RunFailed : Ok;
        }
    }

    /// <summary>One line on standard error, and the exit code.</summary>
    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"processmesh: {message}");
        return code;
    }
}
