using System.Text.Json;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>
/// A Dockerfile read into its stages: enough to run a build stage's COPY and RUN steps against the working tree
/// (no container engine runs here) and to start the final stage's ENTRYPOINT with its ENV.
/// </summary>
internal sealed record Dockerfile(IReadOnlyList<Dockerfile.Stage> Stages)
{
    public Stage Final => Stages[^1];

    public static Dockerfile Read(string path)
    {
        var stages = new List<Stage>();
        foreach (var (keyword, args) in Instructions(File.ReadAllLines(path)))
        {
            if (keyword == "FROM")
            {
                var words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage(words[0], words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : $"{stages.Count}"));
            }
            else
            {
                (stages.Count > 0 ? stages[^1] : throw new FormatException($"{path}: {keyword} before FROM")).Steps.Add((keyword, args));
            }
        }

        return new Dockerfile(stages);
    }

    /// <summary>Instructions with their line continuations joined and comments dropped.</summary>
    private static IEnumerable<(string Keyword, string Args)> Instructions(IEnumerable<string> lines)
    {
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            yield return (current[..space].ToUpperInvariant(), current[(space + 1)..].Trim());
            current = "";
        }
    }

    /// <summary>One stage: its base image, name and steps.</summary>
    internal sealed record Stage(string BaseImage, string Name)
    {
        public List<(string Keyword, string Args)> Steps { get; } = [];

        public IEnumerable<int> Expose => Steps.Where(s => s.Keyword == "EXPOSE")
            .SelectMany(s => s.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture));

        public IReadOnlyDictionary<string, string> Environment => Steps.Where(s => s.Keyword == "ENV")
            .SelectMany(s => s.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

        public string? User => Steps.LastOrDefault(s => s.Keyword == "USER").Args;

        public IReadOnlyList<string> Entrypoint => JsonSerializer.Deserialize<string[]>(Steps.Last(s => s.Keyword == "ENTRYPOINT").Args)!;
    }
}
