namespace ProcessMesh.Silo.Http;

/// <summary>
/// The silo's HTTP side, bound from the same <c>ProcessMesh</c> section as <see cref="SiloSettings"/>
/// (<c>ProcessMesh__HttpPort</c>, <c>ProcessMesh__Dashboard</c>). Only the standalone silo serves HTTP; the CLI's
/// embedded silo never does.
/// </summary>
public sealed record HttpSettings
{
    /// <summary>The port the standalone silo serves probes, metrics and the dashboard on, unless configured.</summary>
    public const int DefaultHttpPort = 8080;

    /// <summary>The port for probes, <c>/metrics</c> and the dashboard, on the address the silo port listens on; 0 serves no HTTP at all.</summary>
    public int HttpPort { get; init; } = DefaultHttpPort;

    /// <summary>Whether the Orleans Dashboard is served under <see cref="SiloEndpoints.Dashboard"/>.</summary>
    public bool Dashboard { get; init; }

    /// <summary>Whether any HTTP is served.</summary>
    public bool Enabled => HttpPort != 0;

    /// <summary>Every problem with these settings, each a line that names the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (HttpPort is < 0 or > 65535)
        {
            yield return $"{SiloSettings.Section}:{nameof(HttpPort)}: {HttpPort} is not a TCP port (1-65535, or 0 for no HTTP)";
        }
    }
}
