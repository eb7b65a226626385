using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProcessMesh.Grains.Engines.Os;

/// <summary>
/// Finds the <c>ProcessMesh.Worker</c> executable, which the build copies beside the grains assembly (so beside the
/// silo, the CLI's embedded silo, the tests, the bench and a published silo), and starts it.
/// </summary>
public static class WorkerExecutable
{
    /// <summary>The worker's assembly, beside the grains.</summary>
    public const string AssemblyFile = "ProcessMesh.Worker.dll";

    /// <summary>
    /// Environment variable every worker started here carries (and passes on to the peers it starts): the PID of the
    /// process that started it, so a leftover worker can be told apart from another host's.
    /// </summary>
    public const string OwnerVariable = "PROCESSMESH_WORKER_OWNER";

    /// <summary>The worker's assembly path; throws when the build did not put it beside the grains.</summary>
    public static string AssemblyPath
    {
        get
        {
            var beside = Path.Combine(Path.GetDirectoryName(typeof(WorkerExecutable).Assembly.Location) ?? AppContext.BaseDirectory, AssemblyFile);
            return File.Exists(beside)
                ? beside
                : throw new FileNotFoundException($"the os model's worker ({AssemblyFile}) is not beside the grains assembly; rebuild the grains project", beside);
        }
    }

    /// <summary>
    /// A ready start of the worker with <paramref name="args"/>: run by the same .NET host as this process,
    /// stdin, stdout and stderr redirected, workstation GC whatever this process's environment says (a silo
    /// image sets <c>DOTNET_gcServer=1</c>, which a small worker process must not inherit).
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(DotNetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_gcConcurrent"] = "0";
        info.Environment[OwnerVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return info;
    }

    /// <summary>The <c>dotnet</c> host that runs this process's runtime (it runs the worker's framework-dependent assembly).</summary>
    public static string DotNetHost { get; } = FindHost();

    private static string FindHost()
    {
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var beside = Path.Combine(root, "dotnet");
        if (File.Exists(beside))
        {
            return beside;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
