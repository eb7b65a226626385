namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>The ring's token: which hop delivers it and the sum of the receivers' indexes so far.</summary>
[GenerateSerializer, Immutable, Alias("pm.RingToken")]
public sealed record RingToken([property: Id(0)] long Hop, [property: Id(1)] ulong Value, [property: Id(2)] byte[] Payload);
