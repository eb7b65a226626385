using System.CommandLine;
using Xunit.Abstractions;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ProcessMesh.Worker;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// Every example in README.md, in the reference it links (docs/cli.md, docs/cluster.md) and in every verb's --help runs through the real CLI and exits 0, so the docs
/// cannot drift from the program. Each is shortened the way README says (--work 200, --repeats 1 --warmup 0,
/// 200ms drives, at most 20 grains, a quick calibration), run in order in one folder (a report reads what a sweep wrote), and
/// --gateway examples reach a silo this test starts. One test, examples one after another.
/// </summary>
[Collection(ExamplesCollection.Name)]
public sealed partial class ExamplesTests(ITestOutputHelper output) : IDisposable
{
    private const string ReadmeForm = "dotnet run --project client -c Release -- ";
    private static readonly TimeSpan _timeout = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("processmesh-examples-");

    /// <summary>The documents whose examples run, in order: README, then the reference it links for every verb and for clusters.</summary>
    private static readonly string[] _documents = ["README.md", "docs/cli.md", "docs/cluster.md"];

    /// <summary>The CLI examples README.md and the reference show, in order.</summary>
    public static IReadOnlyList<string> ReadmeExamples()
    {
        var readme = string.Join("\n", _documents.Select(d => File.ReadAllText(Path.Combine(RepositoryRoot(), d))));
        return [.. BashBlock().Matches(readme)
            .SelectMany(m => m.Groups["body"].Value.Split('\n'))
            .Select(line => line.Split(" #")[0].Trim())
            .Where(line => line.StartsWith(ReadmeForm, StringComparison.Ordinal) || line.StartsWith("processmesh ", StringComparison.Ordinal))
            .Select(line => line.StartsWith(ReadmeForm, StringComparison.Ordinal) ? line[ReadmeForm.Length..] : line["processmesh ".Length..])];
    }

    /// <summary>The examples every verb's --help shows.</summary>
    public static IReadOnlyList<string> HelpExamples()
    {
        var root = ProcessMesh.Cli.Cli.Build();
        return [.. new Command[] { root }.Concat(root.Subcommands)
            .SelectMany(c => (c.Description ?? "").Split('\n'))
            .Select(line => line.Trim())
            .Select(line => line.StartsWith("Start with: ", StringComparison.Ordinal) ? line["Start with: ".Length..] : line)
            .Where(line => line.StartsWith("processmesh ", StringComparison.Ordinal))
            .Select(line => line["processmesh ".Length..])];
    }

    [Fact]
    public void README_starts_with_the_headline_command_and_uses_one_form_after_it()
    {
        var examples = ReadmeExamples();
        Assert.Equal("compare --workload cpu --workers 1,2", examples[0]);
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Single(Regex.Matches(readme, Regex.Escape(ReadmeForm) + @"\w"));
    }

    [Fact]
    public async Task Every_README_and_help_example_runs_and_exits_0()
    {
        var examples = ReadmeExamples().Concat(HelpExamples()).Distinct().ToList();
        Assert.True(examples.Count >= 15, $"found only {examples.Count} examples");
        await using var silo = await TestSilo.StartAsync();
        var failures = new List<string>();
        foreach (var example in examples)
        {
            var args = Shorten(example.Split(' ', StringSplitOptions.RemoveEmptyEntries), silo);
            var watch = Stopwatch.StartNew();
            var quiet = args[0] == "report" || (args[0] == "scenario" && args[1] == "list") ? Array.Empty<string>() : ["--quiet"];
            var outcome = await CliProcess.RunInAsync(_dir.FullName, _timeout, [.. args, .. quiet]);
            output.WriteLine($"{watch.Elapsed.TotalSeconds,5:0.0} s  processmesh {string.Join(' ', args)}");
            if (outcome.ExitCode != 0)
            {
                failures.Add($"processmesh {example} (run as: {string.Join(' ', args)}): exit {outcome.ExitCode}: {outcome.Stderr.Trim()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>An example with README's documented substitutions, so it takes a second or two.</summary>
    private List<string> Shorten(string[] example, TestSilo silo)
    {
        var verb = example[0];
        var args = new List<string>();
        for (var i = 0; i < example.Length; i++)
        {
            var (name, value) = (example[i], i + 1 < example.Length ? example[i + 1] : null);
            string? replaced = name switch
            {
                "--work" => "200",
                "--duration" or "-d" => "200ms",
                "--ramp" => "50ms",
                "--grains" or "-g" => verb == "sweep" ? "1,20" : Math.Min(20, int.Parse(value!, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture),
                "--gateway" or "--redis" => silo.Gateway, // a cluster named by Redis is joined through the test silo's gateway
                "--repeats" => "1",
                "--warmup" => "0",
                _ => null,
            };
            args.Add(name == "--redis" ? "--gateway" : name);
            if (replaced is not null)
            {
                args.Add(replaced);
                i++;
            }
        }

        if (args.Contains("--gateway"))
        {
            args.AddRange(["--cluster-id", silo.ClusterId]);
        }

        var workload = verb is "run" or "compare" || (verb == "sweep" && args.Contains("--workload"));
        if (workload && !args.Contains("--work"))
        {
            args.AddRange(["--work", "200"]);
        }

        if (verb is "run" or "compare" or "sweep")
        {
            foreach (var (option, value) in new[] { ("--repeats", "1"), ("--warmup", "0") })
            {
                if (!args.Contains(option))
                {
                    args.AddRange([option, value]);
                }
            }
        }

        if (verb == "scenario" && args.Contains("run") && !args.Contains("--repeats"))
        {
            args.AddRange(["--repeats", "1"]); // the default 7 repeats of every scenario take minutes
        }

        if (verb == "calibrate" && !args.Contains("--quick"))
        {
            args.Add("--quick"); // the full calibration takes about 90 s; the quick one measures the same kinds of thing
        }

        if (verb == "load" && !args.Contains("--duration") && !args.Contains("-d"))
        {
            args.AddRange(["--duration", "200ms"]);
        }

        if (verb == "sweep" && !args.Contains("--workload"))
        {
            if (!args.Contains("--grains"))
            {
                args.AddRange(["--grains", "1,20"]);
            }

            if (!args.Contains("--duration"))
            {
                args.AddRange(["--duration", "200ms"]);
            }
        }

        if (verb == "report")
        {
            // A folder no earlier example wrote (an older baseline) is a copy of the last folder one wrote.
            foreach (var folder in args.Skip(1).Where(a => !a.StartsWith('-')).Where(a => !Directory.Exists(Path.Combine(_dir.FullName, a))))
            {
                var written = _dir.GetDirectories().Where(d => File.Exists(Path.Combine(d.FullName, "results.json"))).MaxBy(d => File.GetLastWriteTimeUtc(Path.Combine(d.FullName, "results.json")))
                    ?? throw new InvalidOperationException($"report {folder}: no earlier example wrote a results folder");
                Directory.CreateDirectory(Path.Combine(_dir.FullName, folder));
                File.Copy(Path.Combine(written.FullName, "results.json"), Path.Combine(_dir.FullName, folder, "results.json"));
            }
        }

        return args;
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProcessMesh.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ProcessMesh.sln not found above the test binaries");
    }

    [GeneratedRegex("```bash\\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>A real silo process on free ports, for the examples that join one with --gateway.</summary>
    private sealed class TestSilo : IAsyncDisposable
    {
        private readonly Process _process;

        private TestSilo(Process process, int gatewayPort, string clusterId)
        {
            _process = process;
            Gateway = $"127.0.0.1:{gatewayPort}";
            ClusterId = clusterId;
        }

        public string Gateway { get; }

        public string ClusterId { get; }

        public static async Task<TestSilo> StartAsync()
        {
            var gatewayPort = FreePort();
            var clusterId = $"examples-{Guid.NewGuid():N}";
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.Environment["ProcessMesh__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
            start.Environment["ProcessMesh__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
            start.Environment["ProcessMesh__ClusterId"] = clusterId;
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll"));
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("ProcessMesh silo listening", StringComparison.Ordinal) == true)
                {
                    listening.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var silo = new TestSilo(process, gatewayPort, clusterId);
            try
            {
                await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (TimeoutException)
            {
                await silo.DisposeAsync();
                throw new TimeoutException("the examples' silo did not log 'ProcessMesh silo listening' within 2 minutes");
            }

            return silo;
        }

        public async ValueTask DisposeAsync()
        {
            await Task.Run(() => Reaper.Kill(_process));
            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>The examples' own collection, so that <see cref="LongestFirst"/> starts their three minutes first.</summary>
[CollectionDefinition(Name)]
[TypicalSeconds(200)]
public sealed class ExamplesCollection
{
    public const string Name = "readme and help examples";
}
