using ProcessMesh.Cli.Commands;
using ProcessMesh.Contracts;

namespace ProcessMesh.Tests.Cli;

/// <summary>Every bad option is refused at parse time with one message that names the option.</summary>
public sealed class CliValidationTests
{
    [Theory]
    [InlineData("--workers", "run", "--workers", "0")]
    [InlineData("--workers", "run", "--workers", "-3")]
    [InlineData("--workers", "run", "--workers", "ten")]
    [InlineData("--workers", "run", "--workers", "100000000")]
    [InlineData("--memory", "run", "--memory", "-5")]
    [InlineData("--memory", "run", "--memory", "8GiB")]
    [InlineData("--payload", "run", "--payload", "1TiB")]
    [InlineData("--work", "run", "--work", "0")]
    [InlineData("--sync", "run", "--sync", "mutex")]
    [InlineData("--switch-interval", "run", "--switch-interval", "0")]
    [InlineData("--repeats", "run", "--repeats", "0")]
    [InlineData("--gateway", "run", "--gateway", "nowhere")]
    [InlineData("--format", "compare", "--format", "xml")]
    [InlineData("--workers", "compare", "--workers", "1,x,4")]
    [InlineData("--workers", "compare", "--workers", "1,,2")]
    [InlineData("--workers", "compare", "--workers", "1,2,")]
    [InlineData("--grains", "sweep", "--grains", "10,,100")]
    [InlineData("--columns", "run", "--columns", "some")]
    [InlineData("--path", "load", "--path", "nowhere")]
    [InlineData("--grains", "load", "--grains", "0")]
    [InlineData("--duration", "load", "--duration", "soon")]
    [InlineData("--ramp", "load", "--ramp", "5s")]
    [InlineData("--rate", "load", "--rate", "-1")]
    [InlineData("--grains", "sweep", "--grains", "10,x")]
    [InlineData("--payload", "sweep", "--payload", "0,-1")]
    [InlineData("--time-limit", "run", "--time-limit", "0")]
    [InlineData("--time-limit", "run", "--time-limit", "-5s")]
    [InlineData("--time-limit", "compare", "--time-limit", "0s")]
    [InlineData("--on-loss", "sweep", "--on-loss", "retry")]
    [InlineData("--workers", "run", "--workers", "1,2")] // a list where one number is taken: not twelve
    [InlineData("--work", "run", "--work", "1,000")]
    [InlineData("--grains", "load", "--grains", "2,4")]
    [InlineData("--memory", "run", "--memory", "1.5")] // a fraction of a byte: not one byte
    [InlineData("--payload", "run", "--payload", "0.5b")]
    public void A_bad_option_is_one_error_naming_it(string option, params string[] args)
    {
        var errors = ProcessMesh.Cli.Cli.Build().Parse(args).Errors;

        Assert.NotEmpty(errors);
        Assert.Contains(option, errors[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', errors[0].Message);
    }

    [Fact]
    public void Good_options_parse_cleanly()
    {
        var errors = ProcessMesh.Cli.Cli.Build().Parse(["compare", "--workload", "pingpong", "--workers", "1,2,4", "--payload", "1KiB", "--memory", "64KiB", "--models", "process,thread"]).Errors;
        Assert.Empty(errors);
    }

    [Fact]
    public void An_out_file_that_cannot_be_made_says_why_in_the_user_s_terms()
    {
        var problem = ProcessMesh.Cli.Output.OutputTarget.CheckFile(new FileInfo("/proc/nope.json"));

        Assert.NotNull(problem);
        Assert.StartsWith("--out: cannot write /proc/nope.json (", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not find", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Too_many_threads_are_refused()
    {
        var problem = CatalogCheck.Workers(new ModelTraits { Name = Models.Thread, SingleSilo = true, Threads = true }, new RunSpec { Model = Models.Thread, Workers = 5000 }, "--workers");
        Assert.NotNull(problem);
        Assert.StartsWith("--workers", problem, StringComparison.Ordinal);
    }
}
