namespace ProcessMesh.Contracts;

/// <summary>Drives a load test from inside the cluster (the hosted path).</summary>
public interface ILoadDriverGrain : IGrainWithGuidKey
{
    /// <summary>Runs <paramref name="spec"/> and returns its record.</summary>
    Task<RunResult> Run(LoadSpec spec);
}
