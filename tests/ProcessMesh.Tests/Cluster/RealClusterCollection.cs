namespace ProcessMesh.Tests.Cluster;

/// <summary>Tests that start a real multi-silo cluster run one at a time: each one takes the machine's cores for tens of seconds.</summary>
[CollectionDefinition(Name)]
[TypicalSeconds(300)]
public sealed class RealClusterCollection
{
    public const string Name = "real silo clusters";
}
