namespace ProcessMesh.Bench;

/// <summary>Activates and deactivates a population of <see cref="IBareIdleGrain"/> from inside the cluster.</summary>
public interface IBareActivatorGrain : IGrainWithIntegerKey
{
    /// <summary>Activates grains first .. first+count-1, <paramref name="parallelism"/> calls at a time; returns the seconds it took.</summary>
    Task<double> Activate(long first, int count, int parallelism);

    /// <summary>Deactivates the same grains.</summary>
    Task Deactivate(long first, int count, int parallelism);
}
