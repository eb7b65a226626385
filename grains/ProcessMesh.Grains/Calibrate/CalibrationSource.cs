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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CalibrationProgress _current = new();

    /// <summary>The source over <paramref name="cache"/>, measuring <c>calibrate</c>'s full and quick sets.</summary>
    public CalibrationSource(CalibrationCache cache)
        : this(cache, CalibrationPlan.Full, CalibrationPlan.QuickPlan, Calibrator.KindsHere)
    {
    }

    /// <summary>
    /// A source that measures <paramref name="full"/> and <paramref name="quick"/> of the process kinds
    /// <paramref name="kinds"/> gives (tests shrink them).
    /// </summary>
    internal CalibrationSource(CalibrationCache cache, CalibrationPlan full, CalibrationPlan quick, Func<IReadOnlyList<ProcessKind>> kinds)
    {
        _cache = cache;
        _full = full with { Quick = false };
        _quick = quick with { Quick = true };
        _kinds = kinds;
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
                return cached;
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
