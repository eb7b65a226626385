using ProcessMesh.Cli.Cluster;
using ProcessMesh.Contracts;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// The calibration a comparison prints real processes' costs from: <c>--calibration FILE</c> when given, else the
/// cluster's, from the calibration grain of its first silo (that silo's cached calibration, or a quick one measured
/// now and cached, saying so on standard error in one line).
/// </summary>
internal static class CompareCalibration
{
    /// <summary>The line a first comparison prints while it measures the quick calibration.</summary>
    public const string FirstRun = "calibrating this machine quickly (first run, ~15 s); 'processmesh calibrate' for the full one";

    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(200);

    /// <summary>The calibration, or null (with one line on standard error saying why) when none could be had.</summary>
    public static async Task<Calibration?> GetAsync(ClusterConnection connection, Calibration? given, bool quiet, CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            return given;
        }

        try
        {
            var silos = await connection.SilosAsync(cancellationToken);
            if (silos.FirstOrDefault() is not { } silo)
            {
                return null;
            }

            var grain = connection.Grains.GetGrain<ICalibrationGrain>(silo.ToParsableString());
            var asked = DateTimeOffset.UtcNow;
            var calibration = grain.Calibrate(quick: true, again: false);
            var said = false;
            while (await Task.WhenAny(calibration, Task.Delay(_poll, cancellationToken)) != calibration)
            {
                if (!said && (await grain.Progress()).Number > 0)
                {
                    said = Say(quiet);
                }
            }

            var result = await calibration;
            if (!said && result.MeasuredAt >= asked)
            {
                Say(quiet);
            }

            return result;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"processmesh: no calibration of this machine ({e.Message.Split('\n')[0]}); the cost of isolation shows the grain only");
            return null;
        }
    }

    private static bool Say(bool quiet)
    {
        if (!quiet)
        {
            Console.Error.WriteLine($"processmesh: {FirstRun}");
        }

        return true;
    }
}
