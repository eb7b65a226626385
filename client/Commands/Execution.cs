using System.CommandLine;
using ProcessMesh.Cli.Cluster;
using ProcessMesh.Cli.Output;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// What every measuring verb does once its specs are known: check them, reach the cluster, measure with
/// progress, print, and exit with a code scripts can trust (0 done, 1 a run failed, 2 bad input, 3 no cluster).
/// </summary>
internal static class Execution
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;

    /// <summary>Measures <paramref name="specs"/> and prints the results that <paramref name="keep"/> selects.</summary>
    public static async Task<int> MeasureAsync(
        ParseResult parse,
        SharedOptions options,
        string workersOption,
        IReadOnlyList<RunSpec> specs,
        Func<IReadOnlyList<RunResult>, IReadOnlyList<RunResult>> keep,
        bool withIsolation,
        CancellationToken cancellationToken)
    {
        var gateway = parse.GetValue(options.Gateway);
        foreach (var spec in specs)
        {
            if (SharedOptions.Check(spec, embedded: gateway is null, workersOption) is { } problem)
            {
                return Fail(problem, BadInput);
            }
        }

        var experiment = options.Experiment(parse);
        var quiet = parse.GetValue(options.Quiet);
        var verbose = parse.GetValue(options.Verbose);
        ClusterConnection connection;
        try
        {
            connection = gateway is null
                ? await ClusterConnection.StartEmbeddedAsync(verbose, cancellationToken)
                : await ClusterConnection.ConnectAsync(gateway, parse.GetValue(options.ClusterId)!, TimeSpan.FromSeconds(parse.GetValue(options.ConnectTimeout)), verbose, cancellationToken);
        }
        catch (ClusterUnreachableException e)
        {
            return Fail(e.Message, Unreachable);
        }

        await using (connection)
        {
            Measured measured;
            try
            {
                var runner = new ExperimentRunner(connection.Grains, experiment);
                measured = await ProgressReporter.RunAsync(
                    $"{specs[0].Workload.ToString().ToLowerInvariant()} on {connection.Description}",
                    specs.Count * experiment.StepsPerSpec,
                    quiet,
                    p => runner.RunAllAsync(specs, p, cancellationToken));
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message, BadInput);
            }
            catch (OperationCanceledException)
            {
                return Fail("interrupted before the runs finished", RunFailed);
            }

            var results = keep(measured.Results);
            var report = new Report(results, withIsolation ? IsolationCost.From(results) : null, measured.Failures.Count > 0 ? measured.Failures : null);
            var format = parse.GetValue(options.Format);
            ResultWriter.Write(report, format, Console.Out);
            if (parse.GetValue(options.Out) is { } file)
            {
                file.Directory?.Create();
                await using var writer = new StreamWriter(file.FullName);
                ResultWriter.Write(report, ResultWriter.FormatFor(file.Name, format), writer);
            }

            foreach (var failure in measured.Failures)
            {
                await Console.Error.WriteLineAsync($"processmesh: failed: {failure}");
            }

            return measured.Failures.Count > 0 ? RunFailed : Ok;
        }
    }

    /// <summary>One line on standard error, and the exit code.</summary>
    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"processmesh: {message}");
        return code;
    }
}
