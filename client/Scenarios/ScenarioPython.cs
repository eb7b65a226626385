using System.Text.Json;

namespace ProcessMesh.Cli.Scenarios;

/// <summary>Runs a scenario's CPython reference when python3 is present, as one progress step.</summary>
internal static class ScenarioPython
{
    /// <summary>The script's JSON, or null (with a note saying why) when CPython is absent or failed.</summary>
    /// <param name="context">The scenario's context (repeats, progress, CPython).</param>
    /// <param name="experiment">The script's experiment.</param>
    /// <param name="notes">Where a note on how it ran goes.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <param name="sized">Whether the script sizes its runs for steady state (none under <see cref="ScenarioContext.MinSeconds"/>); false where the figures are counts.</param>
    public static async Task<JsonElement?> RunAsync(ScenarioContext context, string experiment, List<string> notes, CancellationToken cancellationToken, bool sized = true)
    {
        context.Progress.Begin($"CPython reference: {experiment}");
        try
        {
            if (context.Python is not { } python)
            {
                notes.Add("python3 is not on PATH: no CPython reference row");
                return null;
            }

            var result = await python.RunAsync(experiment, context.Repeats, sized, cancellationToken);
            notes.Add($"CPython ran reference.py {experiment} ({python.Presence.Script}) on silo {python.Presence.Silo}'s machine, in a process of its own");
            return result;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException or System.ComponentModel.Win32Exception)
        {
            notes.Add($"the CPython reference failed: {e.Message}");
            return null;
        }
        finally
        {
            context.Progress.End();
        }
    }

    /// <summary>"3.11.7".</summary>
    public static string Version(JsonElement reference) => reference.GetProperty("python").GetString() ?? "?";
}
