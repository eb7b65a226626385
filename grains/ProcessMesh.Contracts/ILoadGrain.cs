namespace ProcessMesh.Contracts;

/// <summary>
/// One process grain of a load test's population: private memory, one turn at a time. Public, because the
/// external load path calls it straight from the client.
/// </summary>
public interface ILoadGrain : IGrainWithStringKey
{
    /// <summary>Activates the grain with <paramref name="memoryBytes"/> of private, touched memory.</summary>
    Task Activate(long memoryBytes);

    /// <summary>
    /// The unit of load: the payload is copied into the grain's memory; the reply is a checksum of it. A
    /// <see cref="ValueTask{TResult}"/>, awaited directly, hands Orleans' pooled completion source back on the
    /// thread that makes the next call; through a Task it went back on Orleans' response thread, whose
    /// thread-local pool then grew by hundreds of thousands of objects over a sweep.
    /// </summary>
    ValueTask<long> Echo(byte[] payload);

    /// <summary>Frees the memory and deactivates.</summary>
    Task Deactivate();
}
