using System.Text.Json;
using ProcessMesh.Silo.Http;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>
/// silo/Dockerfile without a container engine: its build stage's COPY and RUN steps run against the working tree
/// in a scratch folder (honouring .dockerignore), and the final stage's ENTRYPOINT starts the published output,
/// a real process, which must answer its liveness probe.
/// </summary>
[Collection(PublishedSiloCollection.Name)]
public sealed class PublishedSiloTests
{
    [Fact]
    public async Task The_silo_image_builds_the_way_its_dockerfile_says_and_its_output_answers_liveness()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(Manifests.RepoRoot, "silo", "Dockerfile"));
        Assert.Equal(2, dockerfile.Stages.Count);
        var (build, final) = (dockerfile.Stages[0], dockerfile.Final);
        Assert.Contains("/dotnet/sdk:", build.BaseImage, StringComparison.Ordinal);
        Assert.Matches(@"/dotnet/aspnet:10\.0[-.\w]*(chiseled|alpine)", final.BaseImage);
        Assert.NotNull(final.User);
        Assert.DoesNotMatch(@"^(root|0)(:|$)", final.User);

        var scratch = Directory.CreateTempSubdirectory("processmesh-image-");
        try
        {
            var roots = new Dictionary<string, string>
            {
                [build.Name] = Directory.CreateDirectory(Path.Combine(scratch.FullName, build.Name)).FullName,
                [final.Name] = Directory.CreateDirectory(Path.Combine(scratch.FullName, final.Name)).FullName,
            };
            var ignored = DockerIgnore();
            foreach (var stage in dockerfile.Stages)
            {
                await RunStageAsync(stage, roots, ignored);
            }

            var app = Path.Combine(roots[final.Name], StageWorkdir(final).TrimStart('/'));
            Assert.False(File.Exists(Path.Combine(app, "dotnet")) || Directory.Exists(Path.Combine(app, "sdk")), "the final image must not carry an SDK");
            using (var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "ProcessMesh.Silo.runtimeconfig.json"))))
            {
                Assert.True(runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Server").GetBoolean());
            }

            // ENTRYPOINT with the image's ENV, and free ports instead of the defaults (other silos may run here).
            var entrypoint = final.Entrypoint;
            Assert.Equal("dotnet", entrypoint[0]);
            var environment = final.Environment.ToDictionary();
            environment["ProcessMesh__SiloPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            environment["ProcessMesh__GatewayPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            environment["ProcessMesh__HttpPort"] = ProbedSilo.Text(ProbedSilo.FreePort());
            environment["ProcessMesh__ClusterId"] = $"image-{Guid.NewGuid():N}";
            await using var silo = ProbedSilo.Start(Path.Combine(app, Assert.Single(entrypoint.Skip(1))), environment);
            await silo.WaitForAsync(SiloEndpoints.Live, 200, TimeSpan.FromMinutes(1));
            await silo.WaitForAsync(SiloEndpoints.Ready, 200, TimeSpan.FromMinutes(1));
            Assert.Equal(404, (await silo.GetAsync(SiloEndpoints.Dashboard + "/")).Status);
            silo.Terminate();
            Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the published silo did not exit after SIGTERM:\n{silo.Log}");
            Assert.True(silo.ExitCode == 0, $"the published silo exited with {silo.ExitCode}:\n{silo.Log}");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_client_dockerfile_copies_only_what_exists_and_ends_without_an_sdk()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(Manifests.RepoRoot, "client", "Dockerfile"));
        Assert.Matches(@"/dotnet/aspnet:10\.0[-.\w]*(chiseled|alpine)", dockerfile.Final.BaseImage);
        Assert.DoesNotMatch(@"^(root|0)(:|$)", dockerfile.Final.User ?? "root");
        Assert.Equal(["dotnet", "processmesh.dll"], dockerfile.Final.Entrypoint);
        foreach (var (_, args) in dockerfile.Stages[0].Steps.Where(s => s.Keyword == "COPY"))
        {
            foreach (var source in args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            {
                var path = Path.Combine(Manifests.RepoRoot, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"client/Dockerfile copies {source}, which does not exist");
            }
        }
    }

    /// <summary>Runs one stage's WORKDIR, COPY and RUN steps with its filesystem rooted at a scratch folder.</summary>
    private static async Task RunStageAsync(Dockerfile.Stage stage, IReadOnlyDictionary<string, string> roots, Func<string, bool> ignored)
    {
        var root = roots[stage.Name];
        string InStage(string path, string workdir) => Path.Combine(root, (path.StartsWith('/') ? path : $"{workdir}/{path}").TrimStart('/'));
        var workdir = "/";
        foreach (var (keyword, args) in stage.Steps)
        {
            switch (keyword)
            {
                case "WORKDIR":
                    workdir = args;
                    Directory.CreateDirectory(InStage(workdir, "/"));
                    break;
                case "COPY":
                {
                    var words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                    var from = words[0].StartsWith("--from=", StringComparison.Ordinal) ? words[0]["--from=".Length..] : null;
                    if (from is not null)
                    {
                        words.RemoveAt(0);
                    }

                    var destination = InStage(words[^1], workdir);
                    foreach (var source in words[..^1])
                    {
                        var sourcePath = from is null ? Path.Combine(Manifests.RepoRoot, source) : Path.Combine(roots[from], source.TrimStart('/'));
                        if (Directory.Exists(sourcePath))
                        {
                            CopyDirectory(sourcePath, destination, from is null ? ignored : _ => false);
                        }
                        else
                        {
                            Assert.True(File.Exists(sourcePath), $"COPY {source}: not in the build context");
                            var target = words[^1].EndsWith('/') || words.Count > 2 || words[^1] == "." ? Path.Combine(destination, Path.GetFileName(source)) : destination;
                            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                            File.Copy(sourcePath, target, overwrite: true);
                        }
                    }

                    break;
                }

                case "RUN":
                {
                    // Absolute paths in the command are paths in the stage's filesystem.
                    var command = string.Join(' ', args.Split(' ').Select(word => word.StartsWith('/') ? InStage(word, "/") : word));
                    var (exit, stdout, stderr) = await Manifests.RunAsync("bash", ["-c", command], null, InStage(workdir, "/"));
                    Assert.True(exit == 0, $"RUN {args} exited {exit}:\n{stdout}\n{stderr}");
                    break;
                }
            }
        }
    }

    private static void CopyDirectory(string source, string destination, Func<string, bool> ignored)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relativeToContext = Path.GetRelativePath(Manifests.RepoRoot, file).Replace('\\', '/');
            if (ignored(relativeToContext))
            {
                continue;
            }

            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>.dockerignore's patterns, as a test on a context-relative path: <c>**/x/</c> anywhere, <c>x/</c> and <c>*.ext</c> at the top.</summary>
    private static Func<string, bool> DockerIgnore()
    {
        var patterns = File.ReadAllLines(Path.Combine(Manifests.RepoRoot, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return path =>
        {
            var segments = path.Split('/');
            return patterns.Any(p =>
                p.StartsWith("**/", StringComparison.Ordinal) ? segments[..^1].Contains(p[3..].TrimEnd('/'))
                : p.StartsWith("*.", StringComparison.Ordinal) ? segments.Length == 1 && path.EndsWith(p[1..], StringComparison.Ordinal)
                : segments[0] == p.TrimEnd('/'));
        };
    }

    private static string StageWorkdir(Dockerfile.Stage stage) => stage.Steps.Last(s => s.Keyword == "WORKDIR").Args;
}

/// <summary>The image test's own collection, so that <see cref="LongestFirst"/> starts its build and publish early.</summary>
[CollectionDefinition(Name)]
[TypicalSeconds(70)]
public sealed class PublishedSiloCollection
{
    public const string Name = "published silo image";
}
