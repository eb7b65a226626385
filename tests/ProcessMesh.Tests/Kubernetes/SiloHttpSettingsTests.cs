namespace ProcessMesh.Tests.Kubernetes;

/// <summary>A bad HTTP setting stops the standalone silo at start: one line naming it, exit 2, no stack trace.</summary>
public sealed class SiloHttpSettingsTests
{
    [Theory]
    [InlineData("ProcessMesh__HttpPort", "abc", "ProcessMesh:HttpPort: 'abc' is not a whole number")]
    [InlineData("ProcessMesh__HttpPort", "70000", "ProcessMesh:HttpPort: 70000 is not a TCP port")]
    [InlineData("ProcessMesh__Dashboard", "maybe", "ProcessMesh:Dashboard: 'maybe' is not true or false")]
    public async Task A_bad_http_setting_is_one_line_and_exit_2(string name, string value, string expected)
    {
        var (exit, stdout, stderr) = await Manifests.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "ProcessMesh.Silo.dll")], null, AppContext.BaseDirectory,
            new Dictionary<string, string> { [name] = value });
        Assert.True(exit == 2, $"exit {exit}: {stdout}{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"silo: {expected}", line, StringComparison.Ordinal);
    }
}
