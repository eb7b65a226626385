namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>The reply to a ping, carrying the payload back.</summary>
[GenerateSerializer, Immutable, Alias("pm.PongMessage")]
public sealed record PongMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);
