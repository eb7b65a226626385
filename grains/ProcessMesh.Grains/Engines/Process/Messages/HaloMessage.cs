namespace ProcessMesh.Grains.Engines.Process.Messages;

/// <summary>A neighbour's boundary cell for one stencil step. <c>FromLeft</c>: the sender owns the cells to the left.</summary>
[GenerateSerializer, Immutable, Alias("pm.HaloMessage")]
public sealed record HaloMessage([property: Id(0)] int Step, [property: Id(1)] bool FromLeft, [property: Id(2)] double Value, [property: Id(3)] byte[] Payload);
