using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ProcessMesh.Silo;

/// <summary>
/// With Redis membership: keeps a copy of this silo's row of the membership table, and writes it back when the table
/// has lost it while the silo is still active, so the silo re-registers by itself. The table is soft state: the
/// Redis keeps nothing on disk, so when it restarts the table is empty. Orleans then only logs, every few seconds,
/// that it cannot refresh the table or renew its row, and a client that joins through Redis (<c>--redis</c>) finds
/// no gateway at all. Each live silo writes back its own row (and the table's version, when it is missing), so the
/// table lists the silos that are alive, and only them; a silo that died while Redis was down is not written back.
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
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        return redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[4])
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var redisOptions = RedisEndpoint.Options(settings.Redis, RedisEndpoint.ConnectTimeout, settings.RedisPassword);
        redisOptions.AbortOnConnectFail = false; // outlives Redis restarts: reconnects by itself
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var database = connection.GetDatabase();
        RedisKey table = $"{settings.ServiceId}/members/{settings.ClusterId}";
        RedisValue? row = null, version = null;
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
                        (row, version) = (mine, tableVersion);
                        continue;
                    }

                    if (row is not { } lostRow || version is not { } lostVersion || membership.CurrentSnapshot.GetSiloStatus(self.SiloAddress) != SiloStatus.Active)
                    {
                        continue; // not registered yet, or leaving: Orleans' own business
                    }

                    await database.ScriptEvaluateAsync(RestoreScript, [table], [VersionField, lostVersion, field, lostRow]);
                    logger.LogWarning(
                        "Cluster membership: the table in redis {Redis} had lost this silo (the Redis restarted empty?); silo {Silo} registered again",
                        settings.Redis, self.SiloAddress.ToParsableString());
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
