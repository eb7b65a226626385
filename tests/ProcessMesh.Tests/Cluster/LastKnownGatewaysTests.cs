using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Messaging;
using ProcessMesh.Silo;

namespace ProcessMesh.Tests.Cluster;

/// <summary>
/// A client on a Redis membership table keeps its gateways while the table lists none (a Redis restarted empty):
/// given an empty list, the Orleans client closes every gateway connection, and a run's answer in flight with it.
/// </summary>
public sealed class LastKnownGatewaysTests
{
    [Fact]
    public async Task An_empty_table_leaves_the_gateways_the_client_had_and_a_listed_one_replaces_them()
    {
        Uri a = new("gwy.tcp://127.0.0.1:30001/1"), b = new("gwy.tcp://127.0.0.1:30002/2");
        var table = new ScriptedTable([[a, b], [], [b]]);
        var gateways = new LastKnownGateways(table);

        Assert.Equal([a, b], await gateways.GetGateways());
        Assert.Equal([a, b], await gateways.GetGateways()); // the table restarted empty
        Assert.Equal([b], await gateways.GetGateways()); // listed again: a silo that died is not kept
    }

    [Fact]
    public void A_client_on_redis_reads_its_gateways_through_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddProcessMeshClient(ClusterAccess.ThroughRedis("127.0.0.1:1", "lastknown"));
        using var host = builder.Build();

        var gateways = Assert.IsType<LastKnownGateways>(host.Services.GetRequiredService<IGatewayListProvider>());
        Assert.IsNotType<LastKnownGateways>(gateways.Table);
    }

    private sealed class ScriptedTable(IList<Uri>[] answers) : IGatewayListProvider
    {
        private int _next;

        public TimeSpan MaxStaleness => TimeSpan.FromSeconds(5);

        public bool IsUpdatable => true;

        public Task InitializeGatewayListProvider() => Task.CompletedTask;

        public Task<IList<Uri>> GetGateways() => Task.FromResult(answers[_next++]);
    }
}
