using ProcessMesh.Grains.Measurement;

namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>
/// Dedicated OS threads started together: each is started and parked at a gate before the clock starts, all are
/// released at once, and joined before it stops. The one place threads are started, gated and joined.
/// </summary>
public sealed class ThreadGang : IDisposable
{
    private readonly System.Threading.Thread[] _threads;
    private readonly CountdownEvent _ready;
    private readonly ManualResetEventSlim _go = new();
    private readonly Exception?[] _failures;
    private readonly CancellationTokenSource _cancel;

    /// <summary>
    /// Starts <paramref name="count"/> threads named <paramref name="name"/>-i, each running <paramref name="body"/>
    /// holding <paramref name="gil"/> once released. A body that throws cancels <paramref name="cancel"/> and calls
    /// <paramref name="onFailure"/>, so the others' waits end.
    /// </summary>
    public ThreadGang(int count, string name, IInterpreterLock gil, Action<int> body, Action onFailure, CancellationTokenSource cancel)
    {
        _cancel = cancel;
        _ready = new CountdownEvent(count);
        _failures = new Exception?[count];
        _threads = new System.Threading.Thread[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            _threads[i] = new System.Threading.Thread(() =>
            {
                _ready.Signal();
                _go.Wait();
                gil.Acquire();
                try
                {
                    body(index);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    // Another thread failed, or the run passed its time limit: the run reports that.
                }
                catch (Exception e)
                {
                    _failures[index] = e;
                    cancel.Cancel();
                    onFailure();
                }
                finally
                {
                    if (gil.IsHeld)
                    {
                        gil.Release();
                    }
                }
            })
            {
                IsBackground = true,
                Name = $"{name}-{i}",
            };
            _threads[i].Start();
        }

        _ready.Wait();
    }

    /// <summary>Releases every thread and waits for all of them; returns the measured phase's wall and CPU time.</summary>
    public (double WallSeconds, double CpuSeconds) Run()
    {
        var clock = PhaseClock.Start();
        _go.Set();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        return clock.Stop();
    }

    /// <summary>The first failure of any thread (cancellations excepted), or null.</summary>
    public Exception? Failure => _failures.FirstOrDefault(f => f is not null);

    /// <summary>Whether the run was cancelled (a failure or its time limit).</summary>
    public bool Cancelled => _cancel.IsCancellationRequested;

    /// <inheritdoc />
    public void Dispose()
    {
        _ready.Dispose();
        _go.Dispose();
    }
}
