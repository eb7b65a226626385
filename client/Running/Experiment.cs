namespace ProcessMesh.Cli.Running;

/// <summary>How many times to measure a spec: warm-ups are run and thrown away; the median repeat is kept.</summary>
internal sealed record Experiment(int Repeats, int Warmup);
