namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>Increments for the process that owns the counter.</summary>
[GenerateSerializer, Immutable, Alias("pm.CounterMessage")]
public sealed record CounterMessage([property: Id(0)] long Delta, [property: Id(1)] byte[] Payload);
