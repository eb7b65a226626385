namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>One ping: a sequence number the partner must answer with its successor.</summary>
[GenerateSerializer, Immutable, Alias("pm.PingMessage")]
public sealed record PingMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);
