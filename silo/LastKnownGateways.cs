using Orleans.Messaging;

namespace ProcessMesh.Silo;

/// <summary>
/// A client's gateway list read from a Redis membership table, that keeps the last gateways it read while the table
/// lists none. A Redis restarted empty lists nobody until each live silo writes its row back
/// (<see cref="MembershipRestore"/>, every 2 s); given that empty list, the Orleans client closes its connection to
/// every gateway, and the answer of a call in flight (a run's record) is lost with it: the CLI then waited to its
/// bound. A table that lists no gateway while the client has some is a table that lost its rows, not a cluster gone:
/// a gateway that really died refuses its port, and the client (and <c>CoordinatorWatch</c>) learn it from that.
/// </summary>
public sealed class LastKnownGateways(IGatewayListProvider table) : IGatewayListProvider
{
    private IList<Uri> _last = [];

    /// <summary>The membership table itself, for those who must see what it lists now (an empty list included).</summary>
    public IGatewayListProvider Table => table;

    /// <inheritdoc/>
    public TimeSpan MaxStaleness => table.MaxStaleness;

    /// <summary>Every provider is (Orleans no longer reads it).</summary>
    public bool IsUpdatable => true;

    /// <inheritdoc/>
    public Task InitializeGatewayListProvider() => table.InitializeGatewayListProvider();

    /// <summary>The gateways the table lists, or, while it lists none, the last it listed.</summary>
    public async Task<IList<Uri>> GetGateways()
    {
        var listed = await table.GetGateways();
        if (listed is { Count: > 0 })
        {
            _last = listed;
            return listed;
        }

        return _last;
    }
}
