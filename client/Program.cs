namespace ProcessMesh.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => Cli.InvokeAsync(args);
}
