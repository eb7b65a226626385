namespace ProcessMesh.Bench;

/// <summary>The cross-silo baseline's ponger, placed on the silo its key names (<c>silo address|n</c>).</summary>
public interface IBareSiloPongGrain : IGrainWithStringKey
{
    /// <summary>Answers <paramref name="sequence"/> + 1.</summary>
    Task<long> Pong(long sequence);

    /// <summary>The address of the silo this grain lives on.</summary>
    Task<string> Silo();
}
