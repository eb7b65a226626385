using System.Globalization;
using System.Text.Json;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Calibrate;
using ProcessMesh.Grains.Reference;

namespace ProcessMesh.Tests.Reference;

/// <summary>
/// The reference's child processes (idle interpreters, the reference script) are started as every other child the silo
/// measures with is (<see cref="ChildProcess"/>): each carries the owner variable, so a leftover can be found in the
/// process table, and after each test, passed or failed, none may remain.
/// </summary>
public sealed class ReferenceProcessTests : IDisposable
{
    private static readonly string _owner = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    /// <summary>
    /// How long a measurement may take before the test stops it (it then fails with the cancellation): before idle
    /// processes were <see cref="ChildProcess"/>es, one that answered anything but <c>ready</c> hung the measurement,
    /// which read its standard error to the end while the child waited for its standard input to close.
    /// </summary>
    private static readonly TimeSpan _bound = TimeSpan.FromSeconds(120);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pm-reference-");

    public void Dispose()
    {
        _directory.Delete(recursive: true);
        OwnedProcesses.Calibration.AssertNoneLeft();
    }

    [Fact]
    public async Task Idle_processes_carry_the_owner_variable_and_are_read_while_they_run()
    {
        // Each child says it is ready only if it was started with this test process as its owner.
        var script = $"import os, sys; print('ready' if os.environ.get('{ChildProcess.OwnerVariable}') == '{_owner}' else 'no owner', flush=True); sys.stdin.read()";

        using var bound = new CancellationTokenSource(_bound);
        var footprints = await IdleProcesses.MeasureAsync("python3", Python(), ["-c", script], 2, bound.Token);

        Assert.Equal(2, footprints.Count);
        Assert.All(footprints, f => Assert.True(f.RssBytes > 0, $"{f.RssBytes} B resident"));
    }

    [Fact]
    public async Task An_idle_process_that_does_not_say_ready_is_an_error_naming_it_and_is_killed()
    {
        // It ignores its standard input closing: only a kill by its PID ends it.
        var script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('busy', flush=True); time.sleep(600)";

        using var bound = new CancellationTokenSource(_bound);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => IdleProcesses.MeasureAsync("python3", Python(), ["-c", script], 1, bound.Token));

        Assert.Contains("idle python3 process", error.Message, StringComparison.Ordinal);
        Assert.Contains("'busy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reference_script_runs_as_an_owned_child_and_its_output_is_returned_whole()
    {
        var presence = await PresenceAsync(
            "import json, os, sys\n" +
            $"print(json.dumps({{'experiment': sys.argv[1], 'repeats': sys.argv[3], 'owner': os.environ.get('{ChildProcess.OwnerVariable}')}}))\n" +
            "print('', end='', flush=True)\n");

        var output = await PythonScript.RunAsync(presence, "gil-cpu", 3, null, CancellationToken.None);

        using var json = JsonDocument.Parse(output);
        Assert.Equal("gil-cpu", json.RootElement.GetProperty("experiment").GetString());
        Assert.Equal("3", json.RootElement.GetProperty("repeats").GetString());
        Assert.Equal(_owner, json.RootElement.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task A_reference_script_that_fails_is_an_error_with_what_it_printed_on_stderr()
    {
        var presence = await PresenceAsync("import sys\nprint('no such experiment', file=sys.stderr)\nsys.exit(3)\n");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PythonScript.RunAsync(presence, "gil-gpu", 1, null, CancellationToken.None));

        Assert.Contains("gil-gpu failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such experiment", error.Message, StringComparison.Ordinal);
    }

    private static string Python() => Python3.Find() ?? throw new InvalidOperationException("python3 is not on PATH: the reference's processes cannot be tested");

    private async Task<PythonPresence> PresenceAsync(string script)
    {
        var path = Path.Combine(_directory.FullName, "reference.py");
        await File.WriteAllTextAsync(path, script);
        return new PythonPresence { Silo = "test", Executable = Python(), Script = path };
    }
}
