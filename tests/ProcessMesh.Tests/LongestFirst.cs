using Xunit.Abstractions;

[assembly: TestCollectionOrderer("ProcessMesh.Tests.LongestFirst", "ProcessMesh.Tests")]

namespace ProcessMesh.Tests;

/// <summary>
/// How many seconds a collection's tests typically take together in CI, on the collection's definition. Only
/// <see cref="LongestFirst"/> reads it, to order when collections start; nothing waits on it or checks it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TypicalSecondsAttribute(int seconds) : Attribute
{
    /// <summary>The collection's typical wall time in a CI run.</summary>
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Starts the collections that take minutes first, longest first, then the rest in xunit's own order. xunit runs
/// two collections at a time here (one a core) and otherwise starts them in an order that changes with the
/// checkout's path: a CI run whose last collection to start was a three-minute one ran it alone on one lane for
/// 113 s while the other had finished (run 13), and one that started the real-cluster collection late did the same
/// (run 10). Started first, the long ones run beside the short ones, which fill both lanes to the end.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <inheritdoc/>
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        [.. testCollections.Select((collection, index) => (collection, index))
            .OrderByDescending(c => Seconds(c.collection))
            .ThenBy(c => c.index)
            .Select(c => c.collection)];

    private static int Seconds(ITestCollection collection) =>
        collection.CollectionDefinition?.GetCustomAttributes(typeof(TypicalSecondsAttribute)).FirstOrDefault() is { } typical
            ? typical.GetConstructorArguments().Cast<int>().First()
            : 0;
}
