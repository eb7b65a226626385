using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Cluster;

/// <summary>One silo as <c>processmesh cluster</c> lists it: its membership entry and, when it answered, its own reading.</summary>
internal sealed record SiloRow
{
    /// <summary>The silo's address (<c>ip:port@generation</c>).</summary>
    public required string Address { get; init; }

    /// <summary>The silo's name (a pod's name in Kubernetes).</summary>
    public required string Name { get; init; }

    /// <summary>Its membership status: <c>joining</c>, <c>active</c>, <c>shuttingdown</c>, <c>stopping</c>, <c>dead</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Where clients reach it (<c>ip:port</c>), or null when it runs no gateway.</summary>
    public string? Gateway { get; init; }

    /// <summary>When it started (UTC).</summary>
    public DateTime StartTime { get; init; }

    /// <summary>Grain activations on the silo.</summary>
    public int? Activations { get; init; }

    /// <summary>Process-model workers on the silo.</summary>
    public int? ProcessWorkers { get; init; }

    /// <summary>CPU the silo's process used over the reading's window, in percent of one core.</summary>
    public double? CpuPercent { get; init; }

    /// <summary>CPU time the silo's process has used since it started, in seconds.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>The silo's managed heap, in bytes.</summary>
    public long? HeapBytes { get; init; }

    /// <summary>The silo process's resident set, in bytes.</summary>
    public long? WorkingSetBytes { get; init; }

    /// <summary>Why an active silo gave no reading, or null.</summary>
    public string? Problem { get; init; }
}

/// <summary>What <c>processmesh cluster</c> prints: every silo the membership table lists.</summary>
internal sealed record ClusterSurvey(string Cluster, IReadOnlyList<SiloRow> Silos, int DeadNotShown)
{
    /// <summary>How long each silo's CPU use is sampled.</summary>
    public static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an active silo may take to answer its probe.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Silos whose membership status is <c>active</c>.</summary>
    public int Active => Silos.Count(s => s.Status == "active");

    /// <summary>Reads membership, then every active silo's probe at once.</summary>
    public static async Task<ClusterSurvey> TakeAsync(IGrainFactory grains, string cluster, bool includeDead, CancellationToken cancellationToken)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
        var shown = hosts.Where(h => includeDead || h.Status != SiloStatus.Dead).OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal).ToList();
        var rows = await Task.WhenAll(shown.Select(h => RowAsync(grains, h, cancellationToken)));
        return new ClusterSurvey(cluster, rows, hosts.Length - shown.Count);
    }

    private static async Task<SiloRow> RowAsync(IGrainFactory grains, MembershipEntry host, CancellationToken cancellationToken)
    {
        var row = new SiloRow
        {
            Address = host.SiloAddress.ToParsableString(),
            Name = host.SiloName,
            Status = host.Status.ToString().ToLowerInvariant(),
            Gateway = host.ProxyPort > 0 ? $"{host.SiloAddress.Endpoint.Address}:{host.ProxyPort}" : null,
            StartTime = host.StartTime,
        };
        if (host.Status != SiloStatus.Active)
        {
            return row;
        }

        try
        {
            var reading = await grains.GetGrain<ISiloStatusGrain>(row.Address).Read(CpuWindow).WaitAsync(ProbeTimeout, cancellationToken);
            return row with
            {
                Activations = reading.Activations,
                ProcessWorkers = reading.ProcessWorkers,
                CpuPercent = reading.CpuPercent,
                CpuSeconds = reading.CpuSeconds,
                HeapBytes = reading.HeapBytes,
                WorkingSetBytes = reading.WorkingSetBytes,
            };
        }
        catch (TimeoutException)
        {
            return row with { Problem = $"no reading within {ProbeTimeout.TotalSeconds:0} s" };
        }
        catch (Exception e) when (e is OrleansException or SiloUnavailableException)
        {
            return row with { Problem = e.Message.ReplaceLineEndings(" ") };
        }
    }
}
