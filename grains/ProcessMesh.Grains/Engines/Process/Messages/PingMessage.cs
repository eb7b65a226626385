namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>
/// One ping: a sequence number the partner must answer with its successor. A struct, unlike the other
/// messages: pingpong measures the hand-off itself, so the harness allocates nothing per round trip.
/// </summary>
[GenerateSerializer, Immutable, Alias("pm.PingMessage")]
public readonly record struct PingMessage([property: Id(0)] long Sequence, [property: Id(1)] byte[] Payload);
