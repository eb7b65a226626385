using ProcessMesh.Contracts;

namespace ProcessMesh.Grains.Calibrate;

/// <summary>
/// This silo's calibration: the cached one when it can serve, else measured now (one measurement at a time on a
/// silo) and cached. What it is measuring is readable while it measures (<see cref="Current"/>).
/// </summary>
public sealed class CalibrationSource : ICalibrationSource
{
    private readonly CalibrationCache _cache;
    private readonly CalibrationPlan _full;
    private readonly CalibrationPlan _quick;
    private readonly Func<IReadOnlyList<ProcessKind>> _kinds;
    private readonly Action<string> _say;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CalibrationProgress _current = new();

    /// <summary>The source over <paramref name="cache"/>, measuring <c>calibrate</c>'s full and quick sets.</summary>
    public CalibrationSource(CalibrationCache cache)
        : this(cache, CalibrationPlan.Full, CalibrationPlan.QuickPlan, Calibrator.KindsHere, line => Console.Error.WriteLine($"processmesh: {line}"))
    {
    }

    /// <summary>
    /// A source that measures <paramref name="full"/> and <paramref name="quick"/> of the process kinds
    /// <paramref name="kinds"/> gives (tests shrink them), and says through <paramref name="say"/> why it measures
    /// again when the cached calibration is an older build's (standard error: the user's, for the CLI's own silo).
    /// </summary>
    internal CalibrationSource(CalibrationCache cache, CalibrationPlan full, CalibrationPlan quick, Func<IReadOnlyList<ProcessKind>> kinds, Action<string>? say = null)
    {
        _cache = cache;
        _full = full with { Quick = false };
        _quick = quick with { Quick = true };
        _kinds = kinds;
        _say = say ?? (_ => { });
    }

    /// <summary>The step being measured now; an empty step when nothing is.</summary>
    public CalibrationProgress Current => _current;

    /// <inheritdoc />
    public Task<Calibration> GetAsync(bool quick, CancellationToken cancellationToken) => GetAsync(quick, again: false, cancellationToken);

    /// <summary>
    /// The cached calibration when it serves (any for <paramref name="quick"/>, a full one otherwise) and
    /// <paramref name="again"/> is not asked; else measured now and cached.
    /// </summary>
    public async Task<Calibration> GetAsync(bool quick, bool again, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!again && _cache.Read(out _) is { } cached && (quick || !cached.Quick))
            {
                if (cached.Lacks() is not { } lacks)
                {
                    return cached;
                }

                // An older build's: what this build's cost model reads is not in it, so it is measured again, not used as is.
                _say($"the cached calibration {_cache.FilePath} ({cached.Describe()}) lacks {lacks}, which this build needs: measuring {(quick ? "a quick one" : "it")} again");
            }

            // Off the caller's scheduler (a grain's): the steps block threads and time processes.
            var calibrator = new Calibrator(quick ? _quick : _full, _kinds(), p => _current = p);
            var calibration = await Task.Run(() => calibrator.RunAsync(cancellationToken), cancellationToken);
            _cache.Write(calibration);
            return calibration;
        }
        finally
        {
            _current = new CalibrationProgress();
            _gate.Release();
        }
    }
}
