using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ProcessMesh.Silo;

namespace ProcessMesh.Tests.Cluster;

/// <summary>Each setting a silo cannot start with is one line that names it; good settings say where the silo stands.</summary>
public sealed class SiloSettingsTests
{
    private static readonly Dictionary<string, string> _noEnvironment = [];

    [Theory]
    [InlineData("ProcessMesh:SiloPort", "SiloPort", "abc")]
    [InlineData("ProcessMesh:SiloPort", "SiloPort", "70000")]
    [InlineData("ProcessMesh:GatewayPort", "GatewayPort", "")]
    [InlineData("ProcessMesh:GatewayPort", "GatewayPort", "99999999999")]
    [InlineData("ProcessMesh:PrimarySiloPort", "PrimarySiloPort", "-1")]
    [InlineData("ProcessMesh:Clustering", "Clustering", "zookeeper")]
    [InlineData("ProcessMesh:Redis", "Clustering", "redis")]
    [InlineData("ProcessMesh:Redis", "Redis", "host:abc")]
    [InlineData("ProcessMesh:Redis", "Redis", "host:0")]
    [InlineData("ProcessMesh:AdvertisedAddress", "AdvertisedAddress", "not-an-ip")]
    [InlineData("ProcessMesh:KubernetesHosting", "KubernetesHosting", "maybe")]
    [InlineData("ProcessMesh:ShutdownTimeout", "ShutdownTimeout", "soon")]
    [InlineData("ProcessMesh:ShutdownTimeout", "ShutdownTimeout", "-00:00:05")]
    [InlineData("ProcessMesh:ResponseTimeout", "ResponseTimeout", "00:00:00")]
    [InlineData("ProcessMesh:DirectoryCaching", "DirectoryCaching", "Sometimes")]
    [InlineData("ProcessMesh:ClusterId", "ClusterId", " ")]
    [InlineData("ProcessMesh:ProbeTimeout", "ProbeTimeout", "00:00:00")]
    [InlineData("ProcessMesh:MaxProbeTimeout", "MaxProbeTimeout", "00:00:01")]
    [InlineData("ProcessMesh:NumMissedProbesLimit", "NumMissedProbesLimit", "0")]
    [InlineData("ProcessMesh:NumVotesForDeathDeclaration", "NumVotesForDeathDeclaration", "two")]
    [InlineData("ProcessMesh:TableRefreshTimeout", "TableRefreshTimeout", "-00:00:01")]
    public void A_bad_setting_is_one_line_naming_it(string named, string setting, string value)
    {
        var failures = Failures(new() { [setting] = value }, _noEnvironment);

        var line = Assert.Single(failures);
        Assert.StartsWith($"{named}:", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("POD_NAME", "POD_IP", "10.1.2.3")]
    [InlineData("POD_IP", "POD_NAME", "silo-0")]
    public void Kubernetes_clustering_names_the_missing_downward_api_variable(string missing, string present, string value)
    {
        var failures = Failures(new() { ["Clustering"] = "kubernetes", ["Redis"] = "redis:6379" }, new() { [present] = value });

        var line = Assert.Single(failures);
        Assert.StartsWith($"{missing}:", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_clustering_takes_its_name_and_address_from_the_pod_and_listens_everywhere()
    {
        var environment = new Dictionary<string, string> { ["POD_NAME"] = "processmesh-silo-2", ["POD_IP"] = "10.244.1.7" };
        var settings = SiloHosting.ReadSettings(Configuration(new() { ["Clustering"] = "kubernetes", ["Redis"] = "redis:6379" }), environment.GetValueOrDefault);

        var identity = SiloIdentity.Resolve(settings, environment.GetValueOrDefault);

        Assert.True(settings.UsesRedis);
        Assert.Equal(new SiloIdentity("processmesh-silo-2", IPAddress.Parse("10.244.1.7"), IPAddress.Any), identity);
    }

    [Fact]
    public void Localhost_clustering_is_the_default_and_stays_on_loopback()
    {
        var settings = SiloHosting.ReadSettings(Configuration([]), _noEnvironment.GetValueOrDefault);

        Assert.Equal(ClusteringMode.Localhost, settings.Clustering);
        Assert.False(settings.UsesRedis);
        Assert.Equal(new SiloIdentity(null, IPAddress.Loopback, IPAddress.Loopback), SiloIdentity.Resolve(settings, _noEnvironment.GetValueOrDefault));
    }

    [Fact]
    public void Redis_clustering_advertises_the_configured_address_and_listens_on_it()
    {
        var settings = SiloHosting.ReadSettings(
            Configuration(new() { ["Clustering"] = "Redis", ["Redis"] = "127.0.0.1:6380", ["AdvertisedAddress"] = "127.0.0.1", ["SiloPort"] = "12000", ["GatewayPort"] = "12001" }),
            _noEnvironment.GetValueOrDefault);

        Assert.True(settings.UsesRedis);
        Assert.Equal(12000, settings.SiloPort);
        Assert.Equal(new SiloIdentity(null, IPAddress.Loopback, IPAddress.Loopback), SiloIdentity.Resolve(settings, _noEnvironment.GetValueOrDefault));
    }

    [Fact]
    public void Failure_detection_finds_a_killed_silo_well_within_30_s_and_can_be_set()
    {
        var defaults = new Orleans.Configuration.ClusterMembershipOptions();
        defaults.ApplyFailureDetection(SiloHosting.ReadSettings(Configuration([]), _noEnvironment.GetValueOrDefault));
        var set = new Orleans.Configuration.ClusterMembershipOptions();
        var settings = SiloHosting.ReadSettings(
            Configuration(new() { ["ProbeTimeout"] = "00:00:04", ["MaxProbeTimeout"] = "00:00:12", ["NumMissedProbesLimit"] = "4", ["NumVotesForDeathDeclaration"] = "3", ["TableRefreshTimeout"] = "00:01:00" }),
            _noEnvironment.GetValueOrDefault);
        set.ApplyFailureDetection(settings);

        Assert.True(defaults.MaxProbeTimeout * defaults.NumMissedProbesLimit <= TimeSpan.FromSeconds(15), $"a killed silo could stay active for {defaults.MaxProbeTimeout * defaults.NumMissedProbesLimit}");
        Assert.True(defaults.MinProbeTimeout >= TimeSpan.FromSeconds(1), "probes shorter than a second would suspect silos that are merely busy");
        Assert.Equal(
            (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12), 4, 3, TimeSpan.FromMinutes(1)),
            (set.ProbeTimeout, set.MinProbeTimeout, set.MaxProbeTimeout, set.NumMissedProbesLimit, set.NumVotesForDeathDeclaration, set.TableRefreshTimeout));
        Assert.Equal(TimeSpan.FromSeconds(48), settings.DeadSiloDetection);
    }

    [Theory]
    [InlineData("SiloPort", "70000", "ProcessMesh:SiloPort: 70000 is not a TCP port")]
    [InlineData("HttpPort", "abc", "ProcessMesh:HttpPort: 'abc' is not a whole number")]
    [InlineData("Dashboard", "maybe", "ProcessMesh:Dashboard: 'maybe' is not true or false")]
    public async Task A_host_with_the_settings_as_options_does_not_start_on_a_bad_one_and_names_it(string setting, string value, string expected)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddProcessMeshSettings(Configuration(new() { [setting] = value }), _noEnvironment.GetValueOrDefault);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith(expected, Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_bind_every_setting_from_configuration_and_the_redis_password_is_never_printed()
    {
        var (silo, http) = ProcessMeshOptions.Read(
            Configuration(new() { ["Clustering"] = "redis", ["Redis"] = "127.0.0.1:6390", ["RedisPassword"] = "s3cret-9d1", ["AdvertisedAddress"] = "127.0.0.1", ["ProbeTimeout"] = "00:00:03", ["HttpPort"] = "9090", ["Dashboard"] = "true" }),
            _noEnvironment.GetValueOrDefault);

        Assert.Equal(("127.0.0.1:6390", "s3cret-9d1", TimeSpan.FromSeconds(3), 9090, true), (silo.Redis, silo.RedisPassword, silo.ProbeTimeout, http.HttpPort, http.Dashboard));
        Assert.DoesNotContain("s3cret-9d1", silo.ToString(), StringComparison.Ordinal);
        var access = ClusterAccess.ThroughRedis(silo.Redis, silo.ClusterId) with { RedisPassword = silo.RedisPassword };
        Assert.DoesNotContain("s3cret-9d1", access.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "127.0.0.1", 6379)]
    [InlineData("redis", "redis", 6379)]
    [InlineData("redis.default.svc:7000", "redis.default.svc", 7000)]
    public void A_redis_endpoint_is_host_and_port(string text, string host, int port)
    {
        Assert.True(RedisEndpoint.TryParse(text, SiloSettings.DefaultRedisPort, out var parsedHost, out var parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Fact]
    public async Task An_unreachable_redis_is_named_in_a_few_words()
    {
        var port = Loopback.FreePort();

        var problem = await RedisEndpoint.ProblemAsync($"127.0.0.1:{port}", TimeSpan.FromSeconds(5));

        Assert.NotNull(problem);
        Assert.Contains($"127.0.0.1:{port}", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings, Dictionary<string, string> environment)
    {
        var e = Assert.Throws<OptionsValidationException>(() => SiloHosting.ReadSettings(Configuration(settings), environment.GetValueOrDefault));
        return [.. e.Failures];
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{SiloSettings.Section}:{s.Key}", s.Value)))
        .Build();
}
