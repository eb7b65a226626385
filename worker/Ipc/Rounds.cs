namespace ProcessMesh.Worker.Ipc;

/// <summary>
/// The rule of the worker's <c>ipc-bench</c> figures (shared by source with the grains, so its tests see it): a size's measured phase is cut into <see cref="Count"/> short rounds
/// and each figure is the median of the rounds' own, so one slow burst (another program's load, the scheduler moving
/// one of the two processes for a while) decides no figure, as one second in one piece did (6,364 to 38,536 round trips
/// a second at the same 8 B, run after run, on a 2-core machine).
/// </summary>
internal static class Rounds
{
    /// <summary>How many rounds a size's phase is cut into.</summary>
    public const int Count = 5;

    /// <summary>One round: its round trips' times (microseconds) and the CPU both processes burned in it (microseconds).</summary>
    /// <param name="RoundTripMicros">Each round trip's time, microseconds.</param>
    /// <param name="CpuMicros">The CPU the bench and its peer burned over the round, microseconds, summed.</param>
    public sealed record Round(IReadOnlyList<double> RoundTripMicros, double CpuMicros);

    /// <summary>
    /// The figures of a size from its rounds: one way, the median over rounds of half each round's <b>mean</b> round
    /// trip (its time over its round trips: every round trip counts, as a run's throughput and the crowds' slices
    /// count them, so the os model's pingpong, a mean, is checked against the same figure; since calibration format 5,
    /// before it the round's median, which left out every slow wake-up a real run pays);
    /// CPU per process per round trip, the median over rounds of each round's CPU over its round trips, halved.
    /// Rounds without a round trip are left out; none at all is an error.
    /// </summary>
    public static (double OneWayMicros, double CpuPerProcessPerRoundTrip, long RoundTrips) Of(IReadOnlyList<Round> rounds)
    {
        var counted = rounds.Where(r => r.RoundTripMicros.Count > 0).ToList();
        if (counted.Count == 0)
        {
            throw new InvalidOperationException("no round made a round trip");
        }

        return (
            Median([.. counted.Select(r => r.RoundTripMicros.Average() / 2)]),
            Median([.. counted.Select(r => r.CpuMicros / r.RoundTripMicros.Count / 2)]),
            counted.Sum(r => (long)r.RoundTripMicros.Count));
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new InvalidOperationException("no value to take a median of");
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
