using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using ProcessMesh.Silo;
using ProcessMesh.Silo.Http;

namespace ProcessMesh.Tests.Kubernetes;

/// <summary>
/// The k8s/ manifests: every overlay renders with kubectl kustomize and validates against the Kubernetes schema
/// offline, and what they tell the silo (settings, ports, probe paths, labels) agrees with what the silo really
/// reads and serves, so a port or path that drifts on either side fails here.
/// </summary>
public sealed partial class ManifestTests
{
    private const string SiloName = "processmesh-silo";

    /// <summary>What the tests give a variable that a pod takes from a Secret (the Redis password).</summary>
    internal const string SecretValue = "test-redis-password-3f9c";

    [Theory]
    [MemberData(nameof(Manifests.OverlayData), MemberType = typeof(Manifests))]
    public async Task Every_overlay_renders_and_validates_against_the_kubernetes_schema(string overlay)
    {
        var yaml = await Manifests.RenderAsync(overlay);
        var (exit, report) = await ValidateAsync(yaml);
        Assert.True(exit == 0, $"k8s/overlays/{overlay} does not validate:\n{report}");
        Assert.Matches(@"\b0 errors\b", report);

        // Typed, strict loading: an unknown or misspelt field is an error here (the schema check allows extra fields).
        var objects = Manifests.Load(yaml);
        Assert.Equal(int.Parse(ObjectCount().Match(report).Groups[1].Value, CultureInfo.InvariantCulture), objects.Count);
    }

    [Fact]
    public async Task The_results_reader_validates_and_the_checks_reject_a_broken_manifest()
    {
        var reader = await File.ReadAllTextAsync(Path.Combine(Manifests.RepoRoot, "k8s", "tools", "results-reader.yaml"));
        Assert.Equal(0, (await ValidateAsync(reader)).Exit);
        Assert.Single(Manifests.Load(reader));

        var yaml = await Manifests.RenderAsync("local");
        var wrongType = yaml.Replace("containerPort: 11111", "containerPort: eleven", StringComparison.Ordinal);
        var (exit, report) = await ValidateAsync(wrongType);
        Assert.NotEqual(0, exit);
        Assert.Contains("containerPort must be integer", report, StringComparison.Ordinal);

        var unknownField = yaml.Replace("terminationGracePeriodSeconds:", "terminationGraceSeconds:", StringComparison.Ordinal);
        var unknown = Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => Manifests.Load(unknownField));
        Assert.Contains("terminationGraceSeconds", unknown.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Manifests.OverlayData), MemberType = typeof(Manifests))]
    public async Task The_manifests_agree_with_what_the_silo_reads_and_serves(string overlay)
    {
        var objects = Manifests.Load(await Manifests.RenderAsync(overlay));
        var deployment = objects.Single<V1Deployment>(SiloName);
        var pod = deployment.Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        var podEnvironment = PodEnvironment(pod, container, podIp: "10.1.2.3");

        // Every ProcessMesh__ variable names a setting the silo has.
        var settingNames = typeof(SiloSettings).GetProperties().Concat(typeof(HttpSettings).GetProperties()).Select(p => p.Name).ToHashSet();
        foreach (var name in podEnvironment.Keys.Where(n => n.StartsWith(SiloSettings.Section + "__", StringComparison.Ordinal)))
        {
            Assert.True(settingNames.Contains(name[(SiloSettings.Section.Length + 2)..]), $"{name} in k8s/overlays/{overlay} is no setting of the silo");
        }

        // The silo's identity from the downward API, under the names the silo reads.
        Assert.Equal("metadata.name", FieldPath(container, SiloIdentity.PodNameVariable));
        Assert.Equal("status.podIP", FieldPath(container, SiloIdentity.PodIpVariable));

        // The settings the silo binds from that environment, through its own reading and checks.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(podEnvironment
            .Where(e => e.Key.StartsWith(SiloSettings.Section + "__", StringComparison.Ordinal))
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value))).Build();
        var settings = SiloHosting.ReadSettings(configuration, name => podEnvironment.GetValueOrDefault(name));
        var http = SiloHttp.ReadSettings(configuration);
        Assert.Equal(ClusteringMode.Kubernetes, settings.Clustering);
        Assert.True(http.Enabled, "the silo must serve HTTP in a pod (probes)");

        // Named ports: what the silo listens on.
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(settings.SiloPort, ports["silo"]);
        Assert.Equal(settings.GatewayPort, ports["gateway"]);
        Assert.Equal(http.HttpPort, ports["http"]);

        // Probes: the paths the silo serves, on its HTTP port.
        Assert.Equal(SiloEndpoints.Startup, container.StartupProbe.HttpGet.Path);
        Assert.Equal(SiloEndpoints.Ready, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(SiloEndpoints.Live, container.LivenessProbe.HttpGet.Path);
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.Equal(http.HttpPort, PortNumber(probe.HttpGet.Port, ports));
        }

        Assert.Equal(SiloEndpoints.Metrics, pod.Metadata.Annotations["prometheus.io/path"]);
        Assert.Equal(ProbedSilo.Text(http.HttpPort), pod.Metadata.Annotations["prometheus.io/port"]);

        // The cluster's ids are Orleans' pod labels, which the pod watcher selects by.
        Assert.Equal(settings.ClusterId, pod.Metadata.Labels["orleans/clusterId"]);
        Assert.Equal(settings.ServiceId, pod.Metadata.Labels["orleans/serviceId"]);

        // Shutdown: the silo leaves gracefully before the kubelet kills it; a rollout never shrinks the cluster.
        Assert.True(pod.Spec.TerminationGracePeriodSeconds > settings.ShutdownTimeout.TotalSeconds,
            $"terminationGracePeriodSeconds {pod.Spec.TerminationGracePeriodSeconds} is not longer than the silo's ShutdownTimeout {settings.ShutdownTimeout}");
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.True(container.Resources.Requests.ContainsKey("cpu"), "the silo needs a CPU request");
        Assert.False(container.Resources.Limits?.ContainsKey("cpu") ?? false, "the silo must have no CPU limit (it would throttle measurements)");

        // Labels: every selector that means the silos selects exactly the silo pods, on ports they have.
        var siloLabels = pod.Metadata.Labels;
        Assert.True(Selects(deployment.Spec.Selector, siloLabels));
        Assert.True(Selects(objects.Single<V1PodDisruptionBudget>(SiloName).Spec.Selector, siloLabels));
        foreach (var service in new[] { objects.Single<V1Service>("processmesh-gateway"), objects.Single<V1Service>("processmesh-http") })
        {
            Assert.True(Selects(service.Spec.Selector, siloLabels), $"service {service.Metadata.Name} does not select the silos");
            Assert.All(service.Spec.Ports, p => Assert.True(ports.ContainsKey(p.TargetPort.Value), $"service {service.Metadata.Name} targets port '{p.TargetPort.Value}', which the silo does not name"));
        }

        Assert.Equal(settings.GatewayPort, objects.Single<V1Service>("processmesh-gateway").Spec.Ports.Single().Port);

        // Redis: the silo's ProcessMesh__Redis is the Redis Service, which selects the Redis pod.
        var redisService = objects.Single<V1Service>("processmesh-redis");
        var redisPod = objects.Single<V1Deployment>("processmesh-redis").Spec.Template;
        Assert.Equal($"{redisService.Metadata.Name}:{redisService.Spec.Ports.Single().Port}", settings.Redis);
        Assert.True(Selects(redisService.Spec.Selector, redisPod.Metadata.Labels));

        // The client Job joins this cluster through that Redis, and keeps its results on a volume.
        var job = objects.OfType<V1Job>().Single();
        var client = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal(settings.Redis, ArgumentAfter(client.Args, "--redis"));
        Assert.Equal(settings.ClusterId, ArgumentAfter(client.Args, "--cluster-id"));
        var results = ArgumentAfter(client.Args, "--out");
        Assert.Contains(client.VolumeMounts, m => results.StartsWith(m.MountPath + "/", StringComparison.Ordinal)
            && job.Spec.Template.Spec.Volumes.Single(v => v.Name == m.Name).PersistentVolumeClaim is not null);

        // NetworkPolicy: silos and the client (only) reach the silo ports; silos and the client reach Redis.
        var clientLabels = job.Spec.Template.Metadata.Labels;
        var siloPolicy = objects.Single<V1NetworkPolicy>(SiloName);
        Assert.True(Selects(siloPolicy.Spec.PodSelector, siloLabels));
        foreach (var rule in siloPolicy.Spec.Ingress)
        {
            Assert.All(rule.Ports, p => Assert.True(ports.ContainsKey(p.Port.Value), $"the silo network policy names port '{p.Port.Value}', which the silo does not"));
            var opensSiloPorts = rule.Ports.Any(p => p.Port.Value is "silo" or "gateway");
            Assert.True(!opensSiloPorts || (rule.FromProperty is { Count: > 0 } && rule.FromProperty.All(f =>
                f.PodSelector is not null && f.NamespaceSelector is null && f.IpBlock is null
                && (Selects(f.PodSelector, siloLabels) || Selects(f.PodSelector, clientLabels)))), "silo ports must admit only silos and the client");
        }

        Assert.Contains(siloPolicy.Spec.Ingress, r => r.Ports.Any(p => p.Port.Value == "silo") && r.FromProperty.Any(f => Selects(f.PodSelector, siloLabels)));
        Assert.Contains(siloPolicy.Spec.Ingress, r => r.Ports.Any(p => p.Port.Value == "gateway") && r.FromProperty.Any(f => Selects(f.PodSelector, clientLabels)));
        var redisPolicy = objects.Single<V1NetworkPolicy>("processmesh-redis");
        Assert.True(Selects(redisPolicy.Spec.PodSelector, redisPod.Metadata.Labels));
        var redisFrom = redisPolicy.Spec.Ingress.SelectMany(r => r.FromProperty).ToList();
        Assert.Contains(redisFrom, f => Selects(f.PodSelector, siloLabels));
        Assert.Contains(redisFrom, f => Selects(f.PodSelector, clientLabels));

        // Every pod: non-root, read-only root, no privilege escalation, no capabilities; no API token unless
        // the pod watcher, and its RBAC, are on (and only then).
        foreach (var template in objects.OfType<V1Deployment>().Select(d => d.Spec.Template).Append(job.Spec.Template))
        {
            foreach (var c in template.Spec.Containers)
            {
                var where = $"{template.Metadata.Labels["app.kubernetes.io/component"]}/{c.Name} in k8s/overlays/{overlay}";
                Assert.True((c.SecurityContext.RunAsNonRoot ?? template.Spec.SecurityContext.RunAsNonRoot) == true, $"{where} may run as root");
                Assert.True(c.SecurityContext.ReadOnlyRootFilesystem == true, $"{where} has a writable root filesystem");
                Assert.True(c.SecurityContext.AllowPrivilegeEscalation == false, $"{where} allows privilege escalation");
                Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
            }
        }

        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp" && pod.Spec.Volumes.Single(v => v.Name == m.Name).EmptyDir is not null);
        var account = objects.Single<V1ServiceAccount>(pod.Spec.ServiceAccountName);
        Assert.False(account.AutomountServiceAccountToken);
        var roles = objects.OfType<V1Role>().ToList();
        if (settings.KubernetesHosting)
        {
            Assert.True(pod.Spec.AutomountServiceAccountToken, "the pod watcher needs the service account's token");
            var role = Assert.Single(roles);
            var rule = Assert.Single(role.Rules);
            Assert.Equal(["pods"], rule.Resources);
            Assert.Equal(["get", "list", "patch", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
            var binding = Assert.Single(objects.OfType<V1RoleBinding>());
            Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
            Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name && s.NamespaceProperty == deployment.Metadata.NamespaceProperty);
        }
        else
        {
            Assert.False(pod.Spec.AutomountServiceAccountToken ?? true, "without the pod watcher the silo mounts no API token");
            Assert.Empty(roles);
            Assert.Empty(objects.OfType<V1RoleBinding>());
        }
    }

    [Theory]
    [MemberData(nameof(Manifests.OverlayData), MemberType = typeof(Manifests))]
    public async Task The_membership_store_asks_for_a_password_from_a_secret_that_silos_and_the_client_read_and_jobs_end(string overlay)
    {
        var objects = Manifests.Load(await Manifests.RenderAsync(overlay));
        var redis = objects.Single<V1Deployment>("processmesh-redis").Spec.Template.Spec.Containers.Single();
        var silo = objects.Single<V1Deployment>(SiloName).Spec.Template.Spec.Containers.Single();
        var job = objects.OfType<V1Job>().Single();
        var client = job.Spec.Template.Spec.Containers.Single();

        // Redis requires the password it reads from a Secret, in its own shell (never a $(VAR) that the kubelet would
        // expand onto the command line), and is no longer told to drop protected mode.
        var redisCommand = string.Join(' ', (redis.Command ?? []).Concat(redis.Args ?? []));
        Assert.DoesNotContain("protected-mode", redisCommand, StringComparison.Ordinal);
        var redisSecret = SecretOf(redis, "REDIS_PASSWORD");
        Assert.Contains("requirepass $REDIS_PASSWORD", redisCommand, StringComparison.Ordinal);
        Assert.DoesNotContain("$(REDIS_PASSWORD)", redisCommand, StringComparison.Ordinal);

        // The silos and the client take the same secret from the variable both read; no argument carries a password.
        Assert.Equal(redisSecret, SecretOf(silo, RedisEndpoint.PasswordVariable));
        Assert.Equal(redisSecret, SecretOf(client, RedisEndpoint.PasswordVariable));
        Assert.DoesNotContain(client.Args, a => a.Contains("password", StringComparison.OrdinalIgnoreCase));

        // The sweep Job ends: a deadline, and it is cleaned up after it finished.
        Assert.True(job.Spec.ActiveDeadlineSeconds > 0, $"the sweep Job in k8s/overlays/{overlay} has no activeDeadlineSeconds");
        Assert.True(job.Spec.TtlSecondsAfterFinished > 0, $"the sweep Job in k8s/overlays/{overlay} has no ttlSecondsAfterFinished");

        // Images: the release kustomize sets (the CLI's version), never a moving tag.
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(Manifests.RepoRoot, "client", "ProcessMesh.Client.csproj"))
            .Descendants("Version").Single().Value;
        foreach (var image in new[] { silo.Image, client.Image })
        {
            Assert.Equal(version, image.Split(':').Last());
        }
    }

    /// <summary>The Secret and key that <paramref name="container"/>'s variable <paramref name="name"/> comes from.</summary>
    private static (string Secret, string Key) SecretOf(V1Container container, string name)
    {
        var reference = container.Env?.SingleOrDefault(e => e.Name == name)?.ValueFrom?.SecretKeyRef;
        Assert.True(reference is not null, $"container {container.Name} takes no {name} from a Secret");
        return (reference.Name, reference.Key);
    }

    [Theory]
    [MemberData(nameof(Manifests.OverlayData), MemberType = typeof(Manifests))]
    public async Task The_client_jobs_command_line_is_one_the_cli_accepts(string overlay)
    {
        var job = Manifests.Load(await Manifests.RenderAsync(overlay)).OfType<V1Job>().Single();
        var args = job.Spec.Template.Spec.Containers.Single().Args.ToList();

        // The same command against a Redis that is not there: the CLI must get as far as trying to join (exit 3),
        // not refuse an option (exit 2).
        args[args.IndexOf("--redis") + 1] = $"127.0.0.1:{ProbedSilo.FreePort()}";
        args[args.IndexOf("--out") + 1] = Path.Combine(Path.GetTempPath(), $"processmesh-job-{Guid.NewGuid():N}");
        var outcome = await Cli.CliProcess.RunAsync(TimeSpan.FromMinutes(1), [.. args, "--connect-timeout", "1"]);
        Assert.True(outcome.ExitCode == 3, $"processmesh {string.Join(' ', args)} exited {outcome.ExitCode}: {outcome.Stderr}");
        Assert.Contains("--redis", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_image_exposes_the_ports_the_silo_listens_on_by_default()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(Manifests.RepoRoot, "silo", "Dockerfile"));
        var exposed = dockerfile.Final.Expose.Order().ToList();
        var defaults = new SiloSettings();
        var http = SiloHttp.ReadSettings(new ConfigurationBuilder().AddInMemoryCollection(dockerfile.Final.Environment
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value))).Build());
        Assert.Equal(new[] { defaults.SiloPort, defaults.GatewayPort, http.HttpPort }.Order(), exposed);

        // The base manifest relies on the same ports.
        var container = Manifests.Load(await Manifests.RenderAsync("local")).Single<V1Deployment>(SiloName).Spec.Template.Spec.Containers.Single();
        Assert.Equal(exposed, container.Ports.Select(p => p.ContainerPort).Order());
    }

    /// <summary>The environment the kubelet would give <paramref name="container"/> in a pod at <paramref name="podIp"/>.</summary>
    internal static Dictionary<string, string> PodEnvironment(V1PodTemplateSpec pod, V1Container container, string podIp, string podName = "processmesh-silo-7d4b9-x2k8q") =>
        container.Env.ToDictionary(e => e.Name, e => e.Value ?? (e.ValueFrom.SecretKeyRef is not null ? SecretValue : null) ?? e.ValueFrom.FieldRef.FieldPath switch
        {
            "metadata.name" => podName,
            "metadata.namespace" => "processmesh",
            "status.podIP" => podIp,
            var path when LabelPath().Match(path) is { Success: true } label => pod.Metadata.Labels[label.Groups[1].Value],
            var path => throw new InvalidOperationException($"{e.Name}: the test does not know field {path}"),
        });

    private static string? FieldPath(V1Container container, string name) => container.Env.SingleOrDefault(e => e.Name == name)?.ValueFrom?.FieldRef?.FieldPath;

    private static int PortNumber(IntOrString port, IReadOnlyDictionary<string, int> named) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : named[port.Value];

    private static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string> labels) =>
        selector is { Count: > 0 } && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels) =>
        selector is not null && (selector.MatchExpressions?.Count ?? 0) == 0 && Selects(selector.MatchLabels, labels);

    private static string ArgumentAfter(IList<string> args, string option)
    {
        var index = args.IndexOf(option);
        Assert.True(index >= 0 && index + 1 < args.Count, $"the client Job passes no {option}");
        return args[index + 1];
    }

    private static async Task<(int Exit, string Report)> ValidateAsync(string yaml)
    {
        var folder = Path.Combine(Manifests.RepoRoot, "k8s", "validate");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")),
            "k8s/validate has no node_modules: ./test.sh installs them (npm ci --prefix k8s/validate)");
        var (exit, stdout, stderr) = await Manifests.RunAsync("node", [Path.Combine(folder, "validate.mjs")], yaml, folder);
        return (exit, stdout + stderr);
    }

    [GeneratedRegex(@"(\d+) objects, \d+ errors")]
    private static partial Regex ObjectCount();

    [GeneratedRegex(@"^metadata\.labels\['(.+)'\]$")]
    private static partial Regex LabelPath();
}
