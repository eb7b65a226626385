using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Engines.Process;

/// <summary>Starts a process worker: which run it belongs to, its rank, and the run's spec.</summary>
[GenerateSerializer, Immutable, Alias("pm.ProcessSetup")]
public sealed record ProcessSetup([property: Id(0)] string RunId, [property: Id(1)] int Index, [property: Id(2)] RunSpec Spec);
