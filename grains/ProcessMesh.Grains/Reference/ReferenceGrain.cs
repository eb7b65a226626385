using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;

namespace ProcessMesh.Grains.Reference;

/// <inheritdoc cref="IReferenceGrain" />
[StatelessWorker]
internal sealed class ReferenceGrain(ILocalSiloDetails silo) : Grain, IReferenceGrain
{
    /// <summary>Reference/python/reference.py, copied to the output beside this assembly.</summary>
    private static readonly string _script = Path.Combine(AppContext.BaseDirectory, "Reference", "python", "reference.py");

    public Task<PythonPresence> FindPython()
    {
        var python = Python3.Find();
        return Task.FromResult(new PythonPresence
        {
            Silo = silo.SiloAddress.Endpoint.ToString(),
            Executable = python,
            Script = _script,
            Absent = python is null ? "python3 is not on PATH" : !File.Exists(_script) ? $"{_script} is missing" : null,
        });
    }

    public async Task<string> RunPython(string experiment, int repeats, double? minSeconds, CancellationToken cancellation) =>
        await PythonScript.RunAsync(await PresentAsync(), experiment, repeats, minSeconds, cancellation);

    public async Task<IReadOnlyList<IdleFootprint>> MeasureIdlePython(int count, CancellationToken cancellation)
    {
        var python = await PresentAsync();
        return await IdleProcesses.MeasureAsync(
            "python3", python.Executable!, ["-c", "import sys; print('ready', flush=True); sys.stdin.read()"], count, cancellation);
    }

    private async Task<PythonPresence> PresentAsync()
    {
        var python = await FindPython();
        return python.Absent is null ? python : throw new InvalidOperationException($"no CPython on silo {python.Silo}: {python.Absent}");
    }
}
