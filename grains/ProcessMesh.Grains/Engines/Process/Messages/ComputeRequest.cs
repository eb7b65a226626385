namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>A chunk of cpu or io units for a process to run: units First .. First+Count-1.</summary>
[GenerateSerializer, Immutable, Alias("pm.ComputeRequest")]
public sealed record ComputeRequest([property: Id(0)] long First, [property: Id(1)] long Count, [property: Id(2)] byte[] Payload);
