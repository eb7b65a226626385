namespace ProcessMesh.Contracts;

/// <summary>
/// One process grain of a load test's population: private memory, one turn at a time. Public, because the
/// external load path calls it straight from the client.
/// </summary>
public interface ILoadGrain : IGrainWithStringKey
{
    /// <summary>Activates the grain with <paramref name="memoryBytes"/> of private, touched memory.</summary>
    Task Activate(long memoryBytes);

    /// <summary>The unit of load: the payload is copied into the grain's memory; the reply is a checksum of it.</summary>
    Task<long> Echo(byte[] payload);

    /// <summary>Frees the memory and deactivates.</summary>
    Task Deactivate();
}
