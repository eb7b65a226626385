using System.CommandLine;
using System.Net;
using ProcessMesh.Cli.Output;

namespace ProcessMesh.Cli.Commands;

/// <summary>The options of every verb that talks to a cluster and prints results: output, and which cluster.</summary>
internal sealed partial class CommonOptions
{
    public Option<OutputFormat> Format { get; } = OptionParsing.Enum("--format", "How to print results.", OutputFormat.Table);

    public Option<FileInfo?> Out { get; } = new("--out")
    {
        Description = "Also write the results to FILE (.json or .csv pick the format; otherwise --format's).",
        HelpName = "FILE",
    };

    public Option<IReadOnlyList<IPEndPoint>?> Gateway { get; } = new("--gateway")
    {
        Description = "Join a running cluster through the gateway of one or more of its silos, instead of hosting a silo in this process.",
        HelpName = "HOST:PORT[,HOST:PORT...]",
        CustomParser = r => Endpoints(r, "--gateway", r.Tokens.Single().Value),
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster id of the silo behind --gateway.",
        DefaultValueFactory = _ => Silo.SiloSettings.DefaultClusterId,
    };

    public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to wait for --gateway to answer.",
        DefaultValueFactory = _ => 10,
        CustomParser = r => OptionParsing.Number(r, "--connect-timeout", r.Tokens.Single().Value, 0.5, 600),
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress on standard error." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show the silo's logs on standard error." };

    /// <summary>Adds these options to <paramref name="command"/> (a verb that writes a folder takes its own --out).</summary>
    public void AddTo(Command command, bool withOutFile = true)
    {
        Option[] all = withOutFile ? [Format, Out, Gateway, ClusterId, ConnectTimeout, Quiet, Verbose] : [Format, Gateway, ClusterId, ConnectTimeout, Quiet, Verbose];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }

        AddClusterOptionsTo(command);
    }
}
