using ProcessMesh.Worker;
using ProcessMesh.Worker.Modes;

// The worker's verbs. A mistake on the command line is one line on stderr and exit 2.
try
{
    var verb = args.Length > 0 ? args[0] : "";
    var options = Options.Parse(args.Skip(1));
    return verb switch
    {
        "idle" => Idle.Run(),
        "echo" => Echo.Run(options),
        "ipc-bench" => IpcBench.Run(options),
        "mesh" => Mesh.Run(options),
        _ => throw new UsageException($"verb: '{verb}' is not one of idle, echo, ipc-bench, mesh"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"ProcessMesh.Worker: {e.Message}");
    return 2;
}
