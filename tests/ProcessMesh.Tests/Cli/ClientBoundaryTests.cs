using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ProcessMesh.Tests.Cli;

/// <summary>
/// The client is a client: the CLI's own assembly uses no type of the grains implementation
/// (<c>ProcessMesh.Grains.*</c>). It talks to the cluster through the contracts; hosting the embedded silo is the
/// silo project's code (<c>ProcessMesh.Silo</c>), which the CLI calls, and which alone loads the grains.
/// Read from the assembly's metadata: every type the compiled client code names, in a signature or a method body,
/// is a type reference there.
/// </summary>
public sealed class ClientBoundaryTests
{
    [Fact]
    public void The_cli_assembly_references_no_type_of_the_grains_implementation()
    {
        var assembly = typeof(ProcessMesh.Cli.Commands.Execution).Assembly;
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        var grainsTypes = metadata.TypeReferences
            .Select(h => FullName(metadata, h))
            .Where(name => name.StartsWith("ProcessMesh.Grains.", StringComparison.Ordinal) || name.StartsWith("ProcessMesh.Grains+", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(grainsTypes.Count == 0, $"{assembly.GetName().Name} uses grains implementation types: {string.Join(", ", grainsTypes)}");
    }

    /// <summary>A type reference's full name, a nested type's through the type that holds it (Outer+Inner).</summary>
    private static string FullName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        var type = metadata.GetTypeReference(handle);
        var name = metadata.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return $"{FullName(metadata, (TypeReferenceHandle)type.ResolutionScope)}+{name}";
        }

        var ns = metadata.GetString(type.Namespace);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }
}
