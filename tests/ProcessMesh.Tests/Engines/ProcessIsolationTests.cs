using System.Reflection;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;

namespace ProcessMesh.Tests.Engines;

/// <summary>A process owns its memory: no static or shared mutable state, and the private block is really allocated.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProcessIsolationTests(ClusterFixture cluster)
{
    private static readonly Type[] _processModelTypes = typeof(ProcessGrain).Assembly.GetTypes()
        .Where(t => t.Namespace is { } ns && ns.StartsWith(typeof(ProcessGrain).Namespace!, StringComparison.Ordinal))
        .Where(t => !t.Name.Contains('<', StringComparison.Ordinal) && !t.Name.StartsWith("Codec_", StringComparison.Ordinal) && !t.Name.StartsWith("Copier_", StringComparison.Ordinal))
        .ToArray();

    [Fact]
    public void The_process_model_has_no_static_mutable_state()
    {
        Assert.Contains(typeof(ProcessGrain), _processModelTypes);
        var offenders = _processModelTypes
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => !f.IsLiteral)
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Process_grain_state_is_instance_state_only()
    {
        var instanceFields = typeof(ProcessGrain).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        Assert.Contains(instanceFields, f => f.Name == "_memory" && f.FieldType == typeof(byte[]));
        Assert.All(instanceFields, f => Assert.False(f.IsStatic));
    }

    [Fact]
    public async Task Each_process_really_holds_its_private_memory()
    {
        const long memory = 4L << 20;
        var result = await cluster.RunAsync(new RunSpec { Model = Models.Process, Workload = Workload.Counter, Workers = 4, Work = 100, MemoryBytes = memory });

        Assert.True(result.Correct);
        // A heap measurement: other objects come and go meanwhile, so allow a few percent either way.
        Assert.True(result.MemoryPerWorkerBytes >= memory * 0.95, $"measured {result.MemoryPerWorkerBytes} bytes per worker, asked for {memory}");
        Assert.Equal(memory, result.MemoryBytesRequested);
    }
}
