using System.Text.RegularExpressions;
using ProcessMesh.Cli.Commands;
using ProcessMesh.Cli.Running;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>Help that shows each default once in the option's own form, and estimates that learn from what ran.</summary>
public sealed class HelpAndProgressTests
{
    public static TheoryData<string> Verbs => ["run", "compare", "load", "sweep", "report"];

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Help_shows_each_default_once_in_the_form_the_option_takes_and_fits_120_columns(string verb)
    {
        var text = new StringWriter();
        Help.Write(ProcessMesh.Cli.Cli.Build().Parse([verb, "--help"]), text);
        var help = text.ToString();

        Assert.All(help.Split('\n'), line => Assert.True(line.Length <= 120, $"{line.Length} columns: {line}"));
        foreach (Match d in Regex.Matches(help, @"\[default: ([^\]]*)\]"))
        {
            var shown = d.Groups[1].Value;
            Assert.DoesNotContain("|", shown, StringComparison.Ordinal);     // 1|2|4 reads like shell syntax
            Assert.DoesNotMatch(@"^\d\d:\d\d:\d\d", shown);               // a duration in .NET's form, not 10s
            Assert.Equal(shown.ToLowerInvariant(), shown);                 // an enum in C#'s casing, not the option's
            Assert.NotEqual("", shown);
        }

        // No option states its default twice: in its text and again in brackets.
        var rows = Regex.Split(help, @"\n(?=  -)");
        Assert.DoesNotContain(rows, row => row.Contains("Default:", StringComparison.Ordinal) && row.Contains("[default:", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_estimates_are_within_twice_the_truth_once_a_tenth_of_the_work_is_done()
    {
        // A cpu comparison on 2 cores whose runs take what perfect scaling to 2 cores would give (1 s at one worker),
        // with a first warm-up that also pays for JIT.
        // Resolved, as the cluster resolves them before the runs (ICatalogGrain.Resolve).
        var specs = new[] { 1, 2, 4 }.SelectMany(w => new[] { Models.Process, Models.Thread }.Select(m => ProcessMesh.Grains.Workloads.WorkloadCatalog.Resolve(new RunSpec { Model = m, Workload = Workload.Cpu, Workers = w }))).ToList();
        var experiment = new Experiment(Repeats: 3, Warmup: 1);
        TimeSpan Takes(int spec, int run) => TimeSpan.FromSeconds((spec == 0 && run == 0 ? 2.0 : 1.0) / Math.Min(specs[spec].Workers, 2));
        var truth = Enumerable.Range(0, specs.Count).Sum(s => Enumerable.Range(0, experiment.Repeats + experiment.Warmup).Sum(r => Takes(s, r).TotalSeconds));

        var estimator = new RunEstimator(specs, experiment, cores: 2);
        var elapsed = 0.0;
        for (var s = 0; s < specs.Count; s++)
        {
            for (var r = 0; r < experiment.Repeats + experiment.Warmup; r++)
            {
                var expected = estimator.Begin(s);
                if (elapsed >= truth / 10)
                {
                    var left = (estimator.Remaining()!.Value + (expected ?? TimeSpan.Zero)).TotalSeconds;
                    var actual = truth - elapsed;
                    Assert.True(left <= 2 * actual && left >= actual / 2, $"at {elapsed:0.0} s of {truth:0.0} s: estimated {left:0.0} s left, truly {actual:0.0} s");
                }

                estimator.Record(s, Takes(s, r));
                elapsed += Takes(s, r).TotalSeconds;
            }
        }
    }
}
