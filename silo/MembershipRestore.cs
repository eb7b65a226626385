using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ProcessMesh.Silo;

/// <summary>
/// With Redis membership: keeps a copy of the membership table's rows, and writes them back when the table has lost
/// this silo's while the silo is still active, so the silos re-register by themselves. The table is soft state: the
/// Redis keeps nothing on disk, so when it restarts the table is empty. Orleans then only logs, every few seconds,
/// that it cannot refresh the table or renew its row, and a client that joins through Redis (<c>--redis</c>) finds
/// no gateway at all. The first live silo to see the table empty writes back, in one atomic script (with the
/// table's version, when it is missing), the rows of every silo its own view holds active, as it last read them, its
/// own among them; a silo that died while Redis was down is not written back, and the other silos then find their
/// rows there. All at once, not only its own: a table restored row by row was read in between by the other silos as
/// a cluster of one or two, at the same table version as the whole one, and (most likely) a silo that has taken in a
/// version does not take in that version again, so its view kept the others out (chaos seed 52907: a hosted load's
/// activation, try 4, and a `run pingpong`, try 200, stopped after a Redis restart and never went on).
/// </summary>
internal sealed class MembershipRestore(
    IOptions<SiloSettings> options, ILocalSiloDetails self, IClusterMembershipService membership, ILogger<MembershipRestore> logger) : BackgroundService
{
    /// <summary>How often the row is read (and copied): one small HGETALL.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>The field Orleans' Redis table keeps its version in.</summary>
    private const string VersionField = "Version";

    // The version only when the table has none (a silo that joined the empty table first already wrote one); the row
    // only when it is missing (never over a newer one another write put there).
    private const string RestoreScript = """
        for i = 3, #ARGV, 2 do
          if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        end
        return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var redisOptions = RedisEndpoint.Options(settings.Redis, RedisEndpoint.ConnectTimeout, settings.RedisPassword);
        redisOptions.AbortOnConnectFail = false; // outlives Redis restarts: reconnects by itself
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var database = connection.GetDatabase();
        RedisKey table = $"{settings.ServiceId}/members/{settings.ClusterId}";
        HashEntry[] rows = [];
        RedisValue? version = null;
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var field = self.SiloAddress.ToString();
                    var entries = await database.HashGetAllAsync(table);
                    var mine = entries.FirstOrDefault(e => e.Name == field).Value;
                    var tableVersion = entries.FirstOrDefault(e => e.Name == VersionField).Value;
                    if (mine.HasValue && tableVersion.HasValue)
                    {
                        (rows, version) = (entries.Where(e => e.Name != VersionField).ToArray(), tableVersion);
                        continue;
                    }

                    var view = membership.CurrentSnapshot;
                    if (version is not { } lostVersion || !rows.Any(e => e.Name == field) || view.GetSiloStatus(self.SiloAddress) != SiloStatus.Active)
                    {
                        continue; // not registered yet, or leaving: Orleans' own business
                    }

                    // Every row of a silo this silo still holds active, its own among them; never a silo it saw leave.
                    var active = view.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
                    var restored = rows.Where(e => active.Contains(e.Name.ToString())).SelectMany(e => new[] { (RedisValue)e.Name.ToString(), e.Value });
                    await database.ScriptEvaluateAsync(RestoreScript, [table], [VersionField, lostVersion, .. restored]);
                    logger.LogWarning(
                        "Cluster membership: the table in redis {Redis} had lost this silo (the Redis restarted empty?); silo {Silo} registered again, with the rows of the {Active} active silos it holds",
                        settings.Redis, self.SiloAddress.ToParsableString(), active.Count);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Redis is down or restarting; Orleans logs that itself. Try again on the next tick.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }
}
