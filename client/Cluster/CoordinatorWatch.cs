using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orleans.Messaging;
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
/// still listens and the cluster's membership whether the silo is still active, every second; and bounds the
/// whole wait by the caller's limit plus <see cref="Grace"/>.
/// A silence of the cluster is not a loss by itself: a silo that is alive but overloaded (a thousand emulated
/// processes starting on it, a load average of 30) may leave the client unanswered for a minute. After
/// <see cref="Unanswered"/> of silence the watch looks for a fact that explains it: the coordinator's silo port
/// refuses connections, the membership table (<c>--redis</c>) no longer lists it as active, or a gateway the
/// client could reach when the call began now refuses its port or is no longer listed. Without one it waits on,
/// up to the bound. A call the client gives up on (interrupted, past its bound, its way in lost) is cancelled in
/// the cluster (<see cref="ICoordinatorGrain.Cancel"/>), so it does not go on burning the silos' cores.
/// </summary>
internal sealed class CoordinatorWatch(IGrainFactory grains, ClusterAccess? access, IGatewayListProvider? table = null)
{
    /// <summary>
    /// What a call may take beyond its run's <c>--time-limit</c>: starting and stopping the workers, collecting
    /// every silo's figures and the coordinator's own checks, none of which the time limit covers.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the cluster may leave the client unanswered before the watch looks for a fact that explains the
    /// silence (a refused port, the membership table); a silence with no such fact is waited out, up to the bound.
    /// </summary>
    public static readonly TimeSpan Unanswered = TimeSpan.FromSeconds(12);

    /// <summary>How long the client waits for a coordinator it gives up on to take its <see cref="ICoordinatorGrain.Cancel"/>.</summary>
    public static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(5);

    /// <summary>A short call's bound (<see cref="BoundedAsync"/>): it does no work that a time limit would cover.</summary>
    public static readonly TimeSpan ShortBound = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long the membership table must go on not listing a silo before the watch believes it: a Redis that
    /// restarted empty lists nobody until each silo writes its row back (every 2 s, <c>MembershipRestore</c>).
    /// </summary>
    internal static readonly TimeSpan UnlistedFor = TimeSpan.FromSeconds(6);

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
    /// <param name="cancellationToken">Interrupts the wait; the coordinator is then told to stop its run (<see cref="CancelBound"/>).</param>
    /// <param name="placed">Told the coordinator's silo before the call starts, for progress.</param>
    /// <param name="key">The coordinator's key, when the caller needs it (a load reports its progress under it); a fresh one otherwise.</param>
    public async Task<Watched<T>> CallAsync<T>(Func<ICoordinatorGrain, Task<T>> call, TimeSpan limit, CancellationToken cancellationToken, Action<SiloAddress>? placed = null, Guid? key = null)
    {
        var coordinator = grains.GetGrain<ICoordinatorGrain>(key ?? Guid.NewGuid());
        var bound = limit + Grace;
        var clock = Stopwatch.StartNew();
        var facts = await Facts.StartAsync(this);
        SiloAddress home;
        try
        {
            home = await AnswerAsync(coordinator.Home(), bound, facts, cancellationToken);
        }
        catch (ClusterLostException e)
        {
            return new Watched<T>(CallEnd.ConnectionLost, default, e.Message, null);
        }
        catch (TimeoutException)
        {
            return new Watched<T>(CallEnd.TimedOut, default, $"the cluster did not place the coordinator within --time-limit {limit.TotalSeconds:0.#} s + {Grace.TotalSeconds:0} s grace", null);
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException)
        {
            return new Watched<T>(CallEnd.ConnectionLost, default, await GatewaysLostAsync(), null);
        }

        placed?.Invoke(home);
        var task = call(coordinator);
        var answered = Stopwatch.StartNew();
        var where = home.Endpoint.ToString();
        Watched<T>? ended = null;

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
                        return ended = new Watched<T>(CallEnd.Answered, await task, null, where);
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
                            return ended = new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} left the cluster", where);
                        }

                        var gone = members is null ? null : seen.Where(s => !s.Equals(home) && !members.Contains(s)).Select(s => s.Endpoint.ToString()).FirstOrDefault();
                        var lost = target ?? gone ?? await RefusingAsync(seen.Union(members ?? []), home);
                        return ended = new Watched<T>(CallEnd.SiloLost, default, $"{(lost is null ? "a silo the call needed" : $"silo {lost}")} left the cluster (the coordinator on {where} lost its calls to it)", where);
                    }
                    catch (Exception)
                    {
                        ended = new Watched<T>(CallEnd.Answered, default, null, where); // the coordinator's own error: its run is over
                        throw;
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (clock.Elapsed > bound)
                {
                    return ended = new Watched<T>(CallEnd.TimedOut, default, $"no answer within --time-limit {limit.TotalSeconds:0.#} s + {Grace.TotalSeconds:0} s grace", where);
                }

                var active = await ActiveAsync(answered.Restart);
                if (active is not null)
                {
                    seen.UnionWith(active);
                    if (!active.Contains(home))
                    {
                        return ended = new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} left the cluster", where);
                    }
                }
                else if (await RefusesAsync(home.Endpoint))
                {
                    // Unanswered, and the coordinator's silo port refuses: the silo is gone (often it was the gateway too).
                    return ended = new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} stopped (its port refuses connections)", where);
                }
                else if (answered.Elapsed > Unanswered)
                {
                    // A silence alone is not a loss (the silos may be alive and overloaded): only a fact ends the wait.
                    if (await facts.UnlistedAsync(home) is { } unlisted)
                    {
                        return ended = new Watched<T>(CallEnd.CoordinatorLost, default, $"the coordinator's silo {where} left the cluster ({unlisted})", where);
                    }

                    if (await facts.WayLostAsync() is { } way)
                    {
                        return ended = new Watched<T>(CallEnd.ConnectionLost, default, way, where);
                    }
                }
            }
        }
        finally
        {
            // A call given up on may still fail later: observe it, so it is not reported as unobserved.
            _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);

            // A run given up on while its coordinator may live is told to stop, so it does not go on burning the
            // silos' cores until its time limit. Interrupted or past its bound, the client waits (briefly) for the
            // coordinator to take it; a lost way in is told in passing, as the client looks for another one.
            if (ended is null or { End: CallEnd.TimedOut or CallEnd.ConnectionLost })
            {
                await CancelAsync(coordinator, wait: ended?.End != CallEnd.ConnectionLost);
            }
        }
    }

    /// <summary>Tells <paramref name="coordinator"/> to stop its run; waits for it at most <see cref="CancelBound"/> when <paramref name="wait"/>.</summary>
    private static async Task CancelAsync(ICoordinatorGrain coordinator, bool wait)
    {
        var cancel = coordinator.Cancel().WaitAsync(CancelBound);
        _ = cancel.ContinueWith(t => t.Exception, TaskScheduler.Default);
        if (wait)
        {
            try
            {
                await cancel;
            }
            catch (Exception)
            {
                // unreachable or slow: its run ends at its own time limit
            }
        }
    }

    /// <summary>
    /// Waits for a short call, up to <paramref name="bound"/>: a silence longer than <see cref="Unanswered"/> ends
    /// it only when <paramref name="facts"/> show the client's way in lost (<see cref="ClusterLostException"/>).
    /// </summary>
    private static async Task<T> AnswerAsync<T>(Task<T> task, TimeSpan bound, Facts facts, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var tick = Task.Delay(_interval, cancellationToken);
                if (await Task.WhenAny(task, tick) == task)
                {
                    return await task;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (clock.Elapsed > bound)
                {
                    throw new TimeoutException($"no answer within {bound.TotalSeconds:0} s");
                }

                if (clock.Elapsed > Unanswered && await facts.WayLostAsync() is { } way)
                {
                    throw new ClusterLostException(way);
                }
            }
        }
        finally
        {
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

    /// <summary>
    /// A short call, bounded by <see cref="ShortBound"/>; a call the cluster leaves unanswered while a fact shows the
    /// client's way in lost (a gateway's port refuses, the membership table no longer lists it), or that fails on
    /// an unavailable silo, is a lost connection (<see cref="ClusterLostException"/>).
    /// </summary>
    public async Task<T> BoundedAsync<T>(Func<ICoordinatorGrain, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await AnswerAsync(call(grains.GetGrain<ICoordinatorGrain>(Guid.NewGuid())), ShortBound, await Facts.StartAsync(this), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ClusterLostException($"the cluster did not answer the client within {ShortBound.TotalSeconds:0} s");
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

    /// <summary>
    /// The gateways the membership table lists as active (each as its gateway's address, with its silo's generation),
    /// or null when the client has no table (<c>--gateway</c>, embedded) or it did not answer.
    /// </summary>
    internal async Task<IReadOnlyList<SiloAddress>?> TableAsync()
    {
        if (table is null || access?.Redis is null)
        {
            return null;
        }

        try
        {
            var gateways = await table.GetGateways().WaitAsync(_probe);
            return [.. gateways.Select(Parse).OfType<SiloAddress>()];
        }
        catch (Exception)
        {
            return null; // Redis down or slow: no fact
        }

        // "gwy.tcp://127.0.0.1:30000/123456789"
        static SiloAddress? Parse(Uri uri) =>
            IPAddress.TryParse(uri.Host, out var ip) && int.TryParse(uri.AbsolutePath.Trim('/'), System.Globalization.CultureInfo.InvariantCulture, out var generation)
                ? SiloAddress.New(new IPEndPoint(ip, uri.Port), generation)
                : null;
    }

    /// <summary>Whether nothing listens at <paramref name="endpoint"/> any more: a killed process's port refuses at once.</summary>
    internal static async Task<bool> RefusesAsync(IPEndPoint endpoint)
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

/// <summary>
/// What the client can learn, without the cluster answering it, about why it went quiet: which gateways listened
/// when the wait began (its ways in), whether one of them has stopped (its port refuses connections, or the
/// membership table no longer lists it), and whether the table still lists a silo as active.
/// </summary>
internal sealed class Facts
{
    private readonly CoordinatorWatch _watch;
    private readonly Dictionary<string, (IPEndPoint Gateway, SiloAddress? Silo)> _ways = [];
    private readonly Dictionary<string, Stopwatch> _unlisted = [];

    private Facts(CoordinatorWatch watch) => _watch = watch;

    /// <summary>The facts of one wait, its ways in read now: the gateways that listen as it begins.</summary>
    public static async Task<Facts> StartAsync(CoordinatorWatch watch)
    {
        var facts = new Facts(watch);
        await facts.AddWaysAsync();
        return facts;
    }

    /// <summary>
    /// One line naming a way in that listened when the wait began and has since stopped, or null: its port refuses,
    /// or (<c>--redis</c>) the membership table has not listed it as active for a while.
    /// </summary>
    public async Task<string?> WayLostAsync()
    {
        var listed = await _watch.TableAsync();
        foreach (var (name, (gateway, silo)) in _ways)
        {
            if (await CoordinatorWatch.RefusesAsync(gateway))
            {
                return $"lost the gateway {name} (its port refuses connections){Others()}";
            }

            if (silo is not null && Unlisted(name, listed, silo) is { } why)
            {
                return $"lost the gateway {name} ({why}){Others()}";
            }
        }

        await AddWaysAsync(listed);
        return null;
    }

    /// <summary>Why <paramref name="silo"/> is lost by the membership table (it has not listed it as active for a while), or null.</summary>
    public async Task<string?> UnlistedAsync(SiloAddress silo) => Unlisted(silo.ToString(), await _watch.TableAsync(), silo);

    private string? Unlisted(string name, IReadOnlyList<SiloAddress>? listed, SiloAddress silo)
    {
        if (listed is null)
        {
            return null; // no table, or it did not answer: no fact either way
        }

        if (listed.Any(g => Same(g, silo)))
        {
            _unlisted.Remove(name);
            return null;
        }

        var since = _unlisted.TryGetValue(name, out var clock) ? clock : _unlisted[name] = Stopwatch.StartNew();
        return since.Elapsed >= CoordinatorWatch.UnlistedFor
            ? $"the membership table at redis {_watch.Access?.Redis} has not listed it as active for {since.Elapsed.TotalSeconds:0} s"
            : null;
    }

    private string Others() => _watch.Access?.Redis is null ? "" : ", and the client's calls went unanswered";

    private async Task AddWaysAsync(IReadOnlyList<SiloAddress>? listed = null)
    {
        if (_watch.Access is not { } access)
        {
            return;
        }

        var candidates = access.Redis is null
            ? access.Gateways.Select(g => (g, (SiloAddress?)null))
            : (listed ?? await _watch.TableAsync() ?? []).Select(s => (s.Endpoint, (SiloAddress?)s));
        foreach (var (gateway, silo) in candidates)
        {
            var name = gateway.ToString();
            if (!_ways.ContainsKey(name) && !await CoordinatorWatch.RefusesAsync(gateway))
            {
                _ways[name] = (gateway, silo);
            }
        }
    }

    /// <summary>Whether a gateway's address (gateway port) and a silo's (silo port) are one silo: same host, same generation.</summary>
    private static bool Same(SiloAddress gateway, SiloAddress silo) =>
        gateway.Generation == silo.Generation && gateway.Endpoint.Address.Equals(silo.Endpoint.Address);
}

/// <summary>The client lost its way into the cluster: no gateway answers. The message names what was lost.</summary>
internal sealed class ClusterLostException(string message) : Exception(message);
