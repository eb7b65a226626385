using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using ProcessMesh.Silo;

namespace ProcessMesh.Cli.Commands;

/// <summary>Which cluster a verb talks to: the embedded default, fixed gateways, or the gateways a Redis membership table lists.</summary>
internal sealed partial class CommonOptions
{
    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = "Join a running cluster through the Redis that holds its membership table (HOST:PORT); the gateways are read from it. " +
            "A Redis that asks for a password gets it from the ProcessMesh__RedisPassword variable, never from the command line.",
        HelpName = "HOST:PORT",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (!RedisEndpoint.TryParse(text, SiloSettings.DefaultRedisPort, out _, out _))
            {
                r.AddError($"--redis: '{text}' is not HOST:PORT (for example 127.0.0.1:6379)");
            }

            return text;
        },
    };

    /// <summary>Whether the verb hosts its own silo: neither --gateway nor --redis was given.</summary>
    public bool Embedded(ParseResult parse) => parse.GetValue(Gateway) is null && parse.GetValue(Redis) is null;

    /// <summary>The cluster --gateway or --redis names, or null for the embedded default.</summary>
    public ClusterAccess? Access(ParseResult parse)
    {
        var clusterId = parse.GetValue(ClusterId) ?? SiloSettings.DefaultClusterId;
        return parse.GetValue(Redis) is { } redis ? ClusterAccess.ThroughRedis(redis, clusterId)
            : parse.GetValue(Gateway) is { } gateways ? ClusterAccess.ThroughGateways(gateways, clusterId)
            : null;
    }

    private void AddClusterOptionsTo(Command command)
    {
        command.Options.Add(Redis);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Redis) is not null && result.GetResult(Gateway) is not null)
            {
                result.AddError("--redis: give --redis or --gateway, not both");
            }
        });
    }

    /// <summary>A comma-separated list of HOST:PORT gateways.</summary>
    private static IReadOnlyList<IPEndPoint>? Endpoints(ArgumentResult r, string optionName, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0))
        {
            r.AddError($"{optionName}: '{text}' has an empty entry (HOST:PORT[,HOST:PORT...])");
            return null;
        }

        var endpoints = new List<IPEndPoint>();
        foreach (var part in parts)
        {
            if (OptionParsing.Endpoint(r, optionName, part) is not { } endpoint)
            {
                return null;
            }

            endpoints.Add(endpoint);
        }

        return endpoints;
    }
}
