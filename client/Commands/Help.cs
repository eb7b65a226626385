using System.CommandLine;
using System.CommandLine.Help;
using System.Text;
using System.Text.RegularExpressions;
using ProcessMesh.Cli.Output;

namespace ProcessMesh.Cli.Commands;

/// <summary>
/// How --help reads: each option's default once, in the form the option takes (10s, 1,2,4, cpu), never in .NET's
/// (00:00:10, 1|2|4, Cpu); and lines that fit the terminal (120 columns when it is unknown or redirected).
/// System.CommandLine renders the help unwrapped; this puts the defaults right and wraps it.
/// </summary>
internal static partial class Help
{
    /// <summary>Whether <paramref name="parse"/> asks for help.</summary>
    public static bool IsRequested(ParseResult parse) => parse.Action is HelpAction;

    /// <summary>Writes the help <paramref name="parse"/> asks for to <paramref name="output"/>.</summary>
    public static int Write(ParseResult parse, TextWriter output)
    {
        var action = (HelpAction)parse.Action!;
        action.MaxWidth = int.MaxValue / 2;
        var raw = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = raw });
        output.Write(Rewrite(raw.ToString(), parse.CommandResult.Command, TableFormat.TerminalWidth()));
        return 0;
    }

    /// <summary>The help text with each default in its option's own form, wrapped to <paramref name="width"/>.</summary>
    public static string Rewrite(string help, Command command, int width)
    {
        var options = Options(command).ToList();
        var text = new StringBuilder();
        foreach (var line in help.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            var fixedLine = line;
            var row = OptionRow().Match(line);
            var indent = 0;
            if (row.Success)
            {
                indent = row.Groups["desc"].Index;
                var names = OptionName().Matches(row.Groups["first"].Value).Select(m => m.Value).ToHashSet();
                if (options.FirstOrDefault(o => names.Contains(o.Name)) is { } option && OptionParsing.ShownDefault(option) is { } shown)
                {
                    fixedLine = DefaultText().Replace(line, $"[default: {shown}]");
                }
            }
            else
            {
                indent = line.Length - line.TrimStart().Length;
            }

            // "[default: x]" stays on one line.
            foreach (var wrapped in Wrap(fixedLine.Replace("[default: ", "[default:\u00a0", StringComparison.Ordinal), indent, width))
            {
                text.Append(wrapped.Replace('\u00a0', ' ')).Append('\n');
            }
        }

        return text.ToString();
    }

    private static IEnumerable<string> Wrap(string line, int indent, int width)
    {
        if (line.Length <= width || indent >= width / 2)
        {
            yield return line;
            yield break;
        }

        var head = line[..indent];
        var current = new StringBuilder(head);
        foreach (var word in line[indent..].Split(' '))
        {
            if (current.Length > indent && current.Length + 1 + word.Length > width)
            {
                yield return current.ToString();
                current.Clear().Append(' ', indent);
            }

            if (current.Length > indent)
            {
                current.Append(' ');
            }

            current.Append(word);
        }

        yield return current.ToString();
    }

    private static IEnumerable<Option> Options(Command command) =>
        command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)));

    [GeneratedRegex(@"^  (?<first>-\S.*?)\s{2,}(?<desc>\S.*)$")]
    private static partial Regex OptionRow();

    [GeneratedRegex(@"--?[\w-]+")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"\[default: [^\]]*\]$")]
    private static partial Regex DefaultText();
}
