namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>A process's partial result for one chunk.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeReply")]
public sealed record ComputeReply([property: Id(0)] ulong Partial);
