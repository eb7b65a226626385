namespace ProcessMesh.Grains;

/// <summary>The silos this silo knows to be active, from its own view of membership (no table read).</summary>
internal static class ActiveSilos
{
    /// <summary>Every member <paramref name="membership"/>'s current snapshot lists as active.</summary>
    public static SiloAddress[] In(IClusterMembershipService membership) =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)];
}
