using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProcessMesh.Silo;

/// <summary>
/// Logs each change in the cluster's membership as one line (a silo joined, is leaving, left or was declared dead),
/// so a silo's default log carries the events an operator needs while Orleans' own categories stay at warnings.
/// This silo's own joining is the listening banner's line, not one of these.
/// </summary>
internal sealed class MembershipLog(IClusterMembershipService membership, ILocalSiloDetails self, ILogger<MembershipLog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (address, member) in snapshot.Members)
                {
                    if (known.TryGetValue(address, out var before) && before == member.Status)
                    {
                        continue;
                    }

                    known[address] = member.Status;
                    if (address.Equals(self.SiloAddress) && member.Status == SiloStatus.Active)
                    {
                        continue; // the listening banner says it, in the one line a ready silo prints
                    }

                    var change = member.Status switch
                    {
                        SiloStatus.Active => "joined (active)",
                        SiloStatus.ShuttingDown or SiloStatus.Stopping => "is leaving",
                        SiloStatus.Dead => "left (dead)",
                        _ => null,
                    };
                    if (change is not null)
                    {
                        logger.LogInformation("Cluster membership: silo {Silo} ({Name}){Self} {Change}",
                            address.ToParsableString(), member.Name, address.Equals(self.SiloAddress) ? ", this silo," : "", change);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }
}
