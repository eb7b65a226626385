namespace ProcessMesh.Worker.Modes;

/// <summary>
/// <c>idle</c>: says <c>ready</c> as soon as Main runs, then answers each <c>ping</c> line with <c>pong</c> until
/// stdin closes. What a bare worker process costs to start (spawn to first answered message) and to keep (its
/// resident set and Pss while it waits).
/// </summary>
internal static class Idle
{
    public static int Run()
    {
        var output = Console.Out;
        output.WriteLine("ready");
        output.Flush();
        while (Console.In.ReadLine() is { } line)
        {
            if (line == "ping")
            {
                output.WriteLine("pong");
                output.Flush();
            }
        }

        return 0;
    }
}
