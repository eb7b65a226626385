using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProcessMesh.Contracts;
using ProcessMesh.Silo;

namespace ProcessMesh.Cli.Cluster;

/// <summary>How a watched call to a coordinator ended, as the client saw it.</summary>
internal enum CallEnd
{
    /// <summary>The coordinator answered (or its call failed with an error of its own).</summary>
    Answered,

    /// <summary>The silo the coordinator lives on left the cluster (or stopped answering on its port) while the call was in flight.</summary>
    CoordinatorLost,

    /// <summary>The client's gateways stopped answering, and none took over.</summary>
    ConnectionLost,

    /// <summary>No answer within the call's bound (the run's time limit plus <see cref="CoordinatorWatch.Grace"/>).</summary>
    TimedOut,

    /// <summary>
    /// The coordinator lives, but reported that another silo the call needed (holding some of its grains) left the
    /// cluster: the call failed there, and the coordinator's own figures are lost with it.
    /// </summary>
    SiloLost,
}

/// <summary>What a watched call returned, or why it did not: <see cref="Reason"/> says so in one line.</summary>
internal sealed record Watched<T>(CallEnd End, T? Value, string? Reason, string? Silo);

/// <summary>
/// Watches a long call to a coordinator grain from the client's side. An Orleans client learns nothing when the
/// silo holding its call dies, least of all when that silo is also its gateway: the call waits for the response
/// timeout (30 min). So, while the call is in flight, the watch asks the coordinator's silo port whether it
/// still listens and the cluster's membership whether the silo is still active, every
/// second; and bounds the whole wait by the caller's limit plus <see cref="Grace"/>.
/// </summary>
internal sealed class CoordinatorWatch(IGrainFactory grains, ClusterAccess? access)
{
    /// <summary>
    /// What a call may take beyond its run's <c>--time-limit</c>: starting and stopping the workers, collecting
    /// every silo's figures and the coordinator's own checks, none of which the time limit covers.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    /// <summary>How long the cluster may leave the client unanswered before the client calls its connection lost.</summary>
    public static readonly TimeSpan Unanswered = TimeSpan.FromSeconds(12);

    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _probe = TimeSpan.FromSeconds(3);

    /// <summary>How the cluster was reached, for naming a lost gateway.</summary>
    public ClusterAccess? Access => access;

    /// <summary>
    /// Calls <paramref name="call"/> on a fresh coordinator and waits for it, at most <paramref name="limit"/> plus
    /// <see cref="Grace"/>, while watching the coordinator's silo and the client's connection.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="limit">The run's own time limit.</param>
    /// <param name="cancellationToken">Interrupts the wait (the call itself goes on in the cluster until its time limit).</param>
    /// <param name="placed">Told the coordinator's silo before the call starts, for progress.</param>
    /// <param name="key">The coordinator's key, when the caller needs it (a load reports its progress under it); a fresh one otherwise.</param>
    public async Task<Watched<T>> CallAsync<T>(Func<ICoordinatorGrain, Task<T>> call, TimeSpan limit, CancellationToken cancellationToken, Action<SiloAddress>? placed = null, Guid? key = null)
    {
        var coordinator = grains.GetGrain<ICoordinatorGrain>(key ?? Guid.NewGuid());
        SiloAddress home;
        try
        {
            home = await coordinator.Home().WaitAsync(Unanswered, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Watched<T>(CallEnd.ConnectionLost, default, await GatewaysLostAsync(), null);
        }

        placed?.Invoke(home);
        var task = call(coordinator);
        var clock = Stopwatch.StartNew();
        var answered = Stopwatch.StartNew();
        var bound = limit + Grace;
        var where = home.Endpoint.ToString();

        // Every silo seen active while the call was in flight: a silo that dies is often out of membership by the
        // time the failed call comes back, and this is how it is still named.
        var seen = new HashSet<SiloAddress>();
        try
        {
            while (true)
            {
                var tick = Task.Delay(_interval, cancellationToken);
                if (await Task.WhenAny(task, tick) == task)
                {
                    try
                    {
                        return new Watched<T>(CallEnd.Answered, await task, null, where);
                    }
                    catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
                    {
                        // The call to the coordinator failed, or the coordinator passed on a failed call of its own.
                        // The coordinator's silo tells which: a killed one refuses its port at once, a stopping one
                        // leaves membership; the failed message may name its target ("...]->[S10.0.0.8:11111:6789 ...").
                        var target = LostTarget(e.Message);
                        var members = target == where ? null : await ActiveAsync();
                        if (target == where || await RefusesAsync(home.Endpoint) || (members is not null && !members.Contains(home)))
                        {
                            return new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} left the cluster", where);
                        }

                        var gone = members is null ? null : seen.Where(s => !s.Equals(home) && !members.Contains(s)).Select(s => s.Endpoint.ToString()).FirstOrDefault();
                        var lost = target ?? gone ?? await RefusingAsync(seen.Union(members ?? []), home);
                        return new Watched<T>(CallEnd.SiloLost, default, $"{(lost is null ? "a silo the call needed" : $"silo {lost}")} left the cluster (the coordinator on {where} lost its calls to it)", where);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (clock.Elapsed > bound)
                {
                    return new Watched<T>(CallEnd.TimedOut, default, $"no answer within --time-limit {limit.TotalSeconds:0.#} s + {Grace.TotalSeconds:0} s grace", where);
                }

                var active = await ActiveAsync(answered.Restart);
                if (active is not null)
                {
                    seen.UnionWith(active);
                    if (!active.Contains(home))
                    {
                        return new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} left the cluster", where);
                    }
                }
                else if (await RefusesAsync(home.Endpoint))
                {
                    // Unanswered, and the coordinator's silo port refuses: the silo is gone (often it was the gateway too).
                    return new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} stopped (its port refuses connections)", where);
                }
                else if (answered.Elapsed > Unanswered)
                {
                    return new Watched<T>(CallEnd.ConnectionLost, default, await GatewaysLostAsync(), where);
                }
            }
        }
        finally
        {
            // A call given up on may still fail later: observe it, so it is not reported as unobserved.
            _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Whether the cluster answers the client again within <see cref="Unanswered"/> (the Orleans client moves to
    /// another gateway from its list or the membership table by itself); the active silos when it does.
    /// </summary>
    /// <param name="cancellationToken">Interrupts the wait.</param>
    /// <param name="lost">
    /// A silo known lost: the wait goes on (up to <see cref="Unanswered"/> more) until membership no longer lists
    /// it as active, so a run started again does not place workers on it or register them in its directory.
    /// </param>
    public async Task<IReadOnlySet<SiloAddress>?> ReachableAsync(CancellationToken cancellationToken, string? lost = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlySet<SiloAddress>? reached = null;
        while (clock.Elapsed < Unanswered * (reached is null ? 1 : 2))
        {
            if (await ActiveAsync() is { } active)
            {
                reached = active;
                if (lost is null || !active.Any(s => s.Endpoint.ToString() == lost))
                {
                    return active;
                }
            }

            await Task.Delay(_interval, cancellationToken);
        }

        return reached is null ? null : reached.Where(s => s.Endpoint.ToString() != lost).ToHashSet();
    }

    /// <summary>A short call, bounded by <see cref="Unanswered"/>; a call that gets no answer is a lost connection.</summary>
    public async Task<T> BoundedAsync<T>(Func<ICoordinatorGrain, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid())).WaitAsync(Unanswered, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ClusterLostException(await GatewaysLostAsync());
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
        {
            throw new ClusterLostException(await GatewaysLostAsync());
        }
    }

    /// <summary>
    /// The active silos, or null when the cluster did not say. An error from the cluster (its membership table's
    /// store is down, say) is still an answer: <paramref name="answered"/> tells it from silence.
    /// </summary>
    private async Task<HashSet<SiloAddress>?> ActiveAsync(Action? answered = null)
    {
        try
        {
            var active = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_probe);
            answered?.Invoke();
            return [.. active.Keys];
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            return null;
        }
        catch (Exception)
        {
            answered?.Invoke();
            return null;
        }
    }

    /// <summary>One line naming the gateways that no longer answer (a refused port), or the way in that went quiet.</summary>
    public async Task<string> GatewaysLostAsync()
    {
        if (access is null)
        {
            return "the cluster stopped answering the client";
        }

        if (access.Redis is { } redis)
        {
            return $"no gateway listed in the membership table at redis {redis} answered the client for {Unanswered.TotalSeconds:0} s";
        }

        var refused = new List<string>();
        foreach (var gateway in access.Gateways)
        {
            if (await RefusesAsync(gateway))
            {
                refused.Add(gateway.ToString());
            }
        }

        return refused.Count > 0
            ? $"lost the gateway{(refused.Count > 1 ? "s" : "")} {string.Join(", ", refused)} (its port refuses connections), and no other gateway of --gateway answered"
            : $"the gateway{(access.Gateways.Count > 1 ? "s" : "")} {string.Join(", ", access.Gateways)} stopped answering the client for {Unanswered.TotalSeconds:0} s";
    }

    /// <summary>The first of <paramref name="silos"/> other than <paramref name="home"/> whose port refuses connections, or null.</summary>
    private static async Task<string?> RefusingAsync(IEnumerable<SiloAddress>? silos, SiloAddress home)
    {
        foreach (var silo in silos ?? [])
        {
            if (!silo.Equals(home) && await RefusesAsync(silo.Endpoint))
            {
                return silo.Endpoint.ToString();
            }
        }

        return null;
    }

    /// <summary>The silo a failed message was addressed to, read from Orleans' rejection text, or null.</summary>
    private static string? LostTarget(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, @"\]->\[S([^ :]+:\d+):") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Whether nothing listens at <paramref name="endpoint"/> any more: a killed process's port refuses at once.</summary>
    private static async Task<bool> RefusesAsync(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(_probe);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception)
        {
            return false; // slow or unreachable is not proof of death: membership decides
        }
    }
}

/// <summary>The client lost its way into the cluster: no gateway answers. The message names what was lost.</summary>
internal sealed class ClusterLostException(string message) : Exception(message);
