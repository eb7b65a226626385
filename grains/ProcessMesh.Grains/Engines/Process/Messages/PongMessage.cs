namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>The reply to a ping, carrying the payload back (a struct, as <see cref="PingMessage"/> is).</summary>
[GenerateSerializer, Immutable, Alias("pm.PongMessage")]
public readonly record struct PongMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);
