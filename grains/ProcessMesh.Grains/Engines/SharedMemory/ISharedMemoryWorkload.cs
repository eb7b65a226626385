namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>A workload's shared-memory protocol for one run: what each thread does, and the answer they reach together.</summary>
public interface ISharedMemoryWorkload
{
    /// <summary>Thread <paramref name="index"/>'s work. It is called holding the interpreter lock (if any) and returns holding it.</summary>
    void Run(int index);

    /// <summary>The answer, read once every thread has finished.</summary>
    ulong Answer();

    /// <summary>Wakes every thread still waiting on another (the run is over, or a thread failed); idempotent.</summary>
    void Abandon()
    {
    }
}
