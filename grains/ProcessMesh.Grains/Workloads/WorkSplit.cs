namespace ProcessMesh.Grains.Workloads;

/// <summary>Splits a total into near-equal contiguous shares (sizes differ by at most one).</summary>
public static class WorkSplit
{
    /// <summary>The size of share <paramref name="index"/> of <paramref name="parts"/>.</summary>
    public static long Share(long total, int parts, int index) => (total / parts) + (index < total % parts ? 1 : 0);

    /// <summary>Where share <paramref name="index"/> starts.</summary>
    public static long Start(long total, int parts, int index) => (index * (total / parts)) + Math.Min(index, total % parts);

    /// <summary>Pairs in the pingpong workload: workers 2k and 2k+1 (a lone worker bounces off itself).</summary>
    public static int Pairs(int workers) => Math.Max(1, workers / 2);

    /// <summary>The partner of the pinger of pair <paramref name="pair"/>.</summary>
    public static int Partner(int workers, int pair) => workers == 1 ? 0 : (2 * pair) + 1;
}
