using System.Diagnostics;

namespace ProcessMesh.Worker;

/// <summary>Starts another process of this same worker executable (a peer), the way this one was started.</summary>
internal static class SelfLaunch
{
    /// <summary>A start for this worker with <paramref name="args"/>: stdin and stdout redirected, stderr inherited.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the worker cannot tell its own executable");
        var info = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SelfLaunch).Assembly.Location);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
