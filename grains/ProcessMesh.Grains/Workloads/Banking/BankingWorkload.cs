using System.Diagnostics;
using ProcessMesh.Contracts;
using ProcessMesh.Grains.Engines.Process;
using ProcessMesh.Grains.Engines.SharedMemory;
using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Workloads.Banking;

/// <summary>
/// <c>banking</c> (Savina's Bank Transaction): N transfers between W accounts (Savina's default: 50,000
/// transfers, 1,000 accounts, so run it with <c>--workers 1000</c>). Transfer t moves a fixed amount between
/// two accounts chosen from t, so the final balances are the same in any order. For processes each account is
/// a process: a teller asks the source to debit itself and credit the destination by message; for threads the
/// accounts are shared memory and each thread is a teller for its share, taking both accounts' locks in index
/// order (or atomic adds; <c>none</c> loses updates). The answer weighs every final balance: Σ (i + 1) · balance(i).
/// </summary>
public sealed class BankingWorkload : Workload<IBankAccountProcess>
{
    /// <summary>Every account's opening balance.</summary>
    public const long Opening = 1_000_000;

    /// <summary>Tellers at once for processes (Savina's teller has every transfer in flight; this bounds it).</summary>
    private const int Tellers = 64;

    /// <inheritdoc />
    public override Workload Name => new("banking");

    /// <inheritdoc />
    public override string Summary => "Savina's bank transaction: transfers between accounts, debit then credit";

    /// <inheritdoc />
    public override string Unit => "transfers";

    /// <inheritdoc />
    public override bool CountsLostUpdates => false;

    /// <summary>Savina's 50,000 transfers.</summary>
    public override RunSpec Resolve(RunSpec spec) => spec.Resolve(50_000, 1);

    /// <summary>Transfer <paramref name="t"/> among <paramref name="accounts"/>: source, destination, amount.</summary>
    public static (int From, int To, long Amount) Transfer(long t, int accounts)
    {
        var x = unchecked(((ulong)t * 0x9E3779B97F4A7C15UL) + 1);
        x ^= x >> 31;
        var from = (int)(x % (ulong)accounts);
        var to = accounts == 1 ? 0 : (from + 1 + (int)((x >> 20) % (ulong)(accounts - 1))) % accounts;
        return (from, to, 1 + (long)((x >> 40) % 1_000));
    }

    /// <summary>The answer of final balances.</summary>
    public static ulong Weigh(IReadOnlyList<long> balances)
    {
        ulong sum = 0;
        for (var i = 0; i < balances.Count; i++)
        {
            sum = unchecked(sum + ((ulong)(i + 1) * (ulong)balances[i]));
        }

        return sum;
    }

    /// <inheritdoc />
    public override ulong Expected(RunSpec spec)
    {
        var balances = Enumerable.Repeat(Opening, spec.Workers).ToArray();
        for (long t = 0; t < spec.Work; t++)
        {
            var (from, to, amount) = Transfer(t, spec.Workers);
            balances[from] -= amount;
            balances[to] += amount;
        }

        return Weigh(balances);
    }

    /// <inheritdoc />
    public override async Task<ulong> RunProcessesAsync(ProcessRun run)
    {
        var spec = run.Spec;
        var payload = new byte[spec.PayloadBytes];
        var tellers = (int)Math.Min(Tellers, spec.Work);
        await Task.WhenAll(Enumerable.Range(0, tellers).Select(async teller =>
        {
            for (var t = WorkSplit.Start(spec.Work, tellers, teller); t < WorkSplit.Start(spec.Work, tellers, teller) + WorkSplit.Share(spec.Work, tellers, teller); t++)
            {
                run.Stopping.ThrowIfCancellationRequested();
                var (from, to, amount) = Transfer(t, spec.Workers);
                var start = Stopwatch.GetTimestamp();
                run.Sink.Sent();
                try
                {
                    await run.Worker<IBankAccountProcess>(from).Debit(new TransferMessage(to, amount, payload));
                }
                catch
                {
                    run.Sink.Failed();
                    throw;
                }

                run.Sink.Answered(start, 2, spec.PayloadBytes + (2 * sizeof(long)), 1, run.Sink.Crosses(from));
            }
        }));
        var balances = await Task.WhenAll(Enumerable.Range(0, spec.Workers).Select(i => run.Worker<IBankAccountProcess>(i).Balance()));
        return Weigh(balances);
    }

    /// <inheritdoc />
    public override ISharedMemoryWorkload SharedMemory(SharedMemoryRun run) => new Threads(run);

    private sealed class Threads(SharedMemoryRun run) : ISharedMemoryWorkload
    {
        private readonly long[] _balances = Enumerable.Repeat(Opening, run.Spec.Workers).ToArray();
        private readonly object[] _locks = Enumerable.Range(0, run.Spec.Workers).Select(_ => new object()).ToArray();

        public void Run(int index)
        {
            var spec = run.Spec;
            var first = WorkSplit.Start(spec.Work, spec.Workers, index);
            var share = WorkSplit.Share(spec.Work, spec.Workers, index);
            for (var t = first; t < first + share; t++)
            {
                run.Cancelled.ThrowIfCancellationRequested();
                run.Gil.Checkpoint();
                var start = Stopwatch.GetTimestamp();
                var (from, to, amount) = Transfer(t, spec.Workers);
                Move(from, to, amount);
                run.Sink.Record(start);
                run.Sink.Count(1, spec.PayloadBytes);
            }
        }

        private void Move(int from, int to, long amount)
        {
            switch (run.Spec.Sync)
            {
                case SyncPrimitive.None:
                    _balances[from] -= amount;
                    _balances[to] += amount;
                    break;
                case SyncPrimitive.Lock:
                    // Both locks, always lower index first: opposite orders would deadlock (see the deadlock scenario).
                    lock (_locks[Math.Min(from, to)])
                    {
                        lock (_locks[Math.Max(from, to)])
                        {
                            _balances[from] -= amount;
                            _balances[to] += amount;
                        }
                    }

                    break;
                default:
                    Interlocked.Add(ref _balances[from], -amount);
                    Interlocked.Add(ref _balances[to], amount);
                    break;
            }
        }

        public ulong Answer() => Weigh(_balances);
    }
}

/// <summary>A transfer for its source account: the destination and the amount.</summary>
[GenerateSerializer, Immutable, Alias("pm.TransferMessage")]
public sealed record TransferMessage([property: Id(0)] int To, [property: Id(1)] long Amount, [property: Id(2)] byte[] Payload);

/// <summary>A <c>banking</c> process: one account.</summary>
public interface IBankAccountProcess : IProcessWorker
{
    /// <summary>Debits this account and credits the destination (by message), then replies.</summary>
    Task Debit(TransferMessage transfer);

    /// <summary>Credits this account. Interleaved: two accounts debiting into each other at once must not wait on each other.</summary>
    [AlwaysInterleave]
    Task Credit(long amount, byte[] payload);

    /// <summary>The balance.</summary>
    Task<long> Balance();
}

/// <inheritdoc cref="IBankAccountProcess" />
internal class BankAccountProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : ProcessWorkerGrain(sinks, silo), IBankAccountProcess
{
    private long _balance = BankingWorkload.Opening;

    public async Task Debit(TransferMessage transfer)
    {
        Receive(transfer.Payload);
        _balance -= transfer.Amount;
        Sink.Sent();
        try
        {
            await Peer<IBankAccountProcess>(transfer.To).Credit(transfer.Amount, Send(transfer.Payload.Length));
        }
        catch
        {
            Sink.Failed();
            throw;
        }

        Sink.Delivered();
        Sink.Count(2, transfer.Payload.Length + sizeof(long), Sink.Crosses(transfer.To));
    }

    public Task Credit(long amount, byte[] payload)
    {
        Receive(payload);
        _balance += amount;
        return Task.CompletedTask;
    }

    public Task<long> Balance() => Task.FromResult(_balance);
}

/// <summary>An emulated run's <see cref="BankAccountProcessGrain"/> (<see cref="ProcessWorkers"/>).</summary>
internal sealed class EmulatedBankAccountProcessGrain(RunSinks sinks, ILocalSiloDetails silo) : BankAccountProcessGrain(sinks, silo), IIncomingGrainCallFilter;
