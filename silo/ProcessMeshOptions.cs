using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProcessMesh.Silo.Http;

namespace ProcessMesh.Silo;

/// <summary>
/// The silo's settings as options: <see cref="SiloSettings"/> and <see cref="HttpSettings"/>, each bound from the
/// <c>ProcessMesh</c> section of the host's configuration as <see cref="IOptions{TOptions}"/> and validated on start
/// (<c>ValidateOnStart</c>). A bad value is a failure that names its setting in one line.
/// </summary>
public static class ProcessMeshOptions
{
    /// <summary>
    /// Registers both settings types, bound from <paramref name="configuration"/> and validated when the host starts;
    /// <paramref name="environment"/> (the process environment when null) gives the variables a pod's silo reads.
    /// </summary>
    public static IServiceCollection AddProcessMeshSettings(this IServiceCollection services, IConfiguration configuration, Func<string, string?>? environment = null)
    {
        var variables = environment ?? Environment.GetEnvironmentVariable;
        services.AddOptions<SiloSettings>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<SiloSettings>>(new SectionBinding<SiloSettings>(configuration));
        services.AddSingleton<IValidateOptions<SiloSettings>>(new SectionValidation<SiloSettings>(configuration, settings =>
            settings.Problems().ToList() is { Count: > 0 } problems ? problems : SiloIdentity.Problems(settings, variables)));
        services.AddOptions<HttpSettings>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<HttpSettings>>(new SectionBinding<HttpSettings>(configuration));
        services.AddSingleton<IValidateOptions<HttpSettings>>(new SectionValidation<HttpSettings>(configuration, settings => settings.Problems()));
        return services;
    }

    /// <summary>
    /// Sets settings in code (the CLI's embedded silo, the benchmarks' silos): written to the host's configuration under
    /// <c>ProcessMesh</c>, where the options bind them from and check them like any other (keys as <c>SiloPort</c>).
    /// </summary>
    public static IConfigurationBuilder AddSiloSettings(this IConfigurationBuilder configuration, Dictionary<string, string> settings) =>
        configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(SiloSettings.Key(s.Key), (string?)s.Value)));

    /// <summary>
    /// Both settings, bound from <paramref name="configuration"/> and validated as a host validates them on start, for
    /// the checks that must run before a host is built (the standalone silo's ports and Redis). Throws
    /// <see cref="OptionsValidationException"/> with every failure, the silo's first, each a line naming its setting.
    /// </summary>
    public static (SiloSettings Silo, HttpSettings Http) Read(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        using var services = new ServiceCollection().AddProcessMeshSettings(configuration, environment).BuildServiceProvider();
        var failures = new List<string>();
        var silo = Value<SiloSettings>(services, failures);
        var http = Value<HttpSettings>(services, failures);
        return failures.Count == 0 ? (silo!, http!) : throw new OptionsValidationException(SiloSettings.Section, typeof(SiloSettings), failures);
    }

    /// <summary>One of the settings types, bound and validated as the host does on start (a bad value throws, naming it).</summary>
    public static T Read<T>(IConfiguration configuration, Func<string, string?>? environment = null)
        where T : class
    {
        using var services = new ServiceCollection().AddProcessMeshSettings(configuration, environment).BuildServiceProvider();
        var failures = new List<string>();
        return Value<T>(services, failures) ?? throw new OptionsValidationException(SiloSettings.Section, typeof(T), failures);
    }

    private static T? Value<T>(IServiceProvider services, List<string> failures)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
            return null;
        }
    }

    /// <summary>
    /// Each value in the section that the binder cannot convert to its setting's type, as a line naming the setting
    /// (the binder itself would throw at the first, with a stack trace, and name no expected form).
    /// </summary>
    internal static IEnumerable<string> Unreadable<T>(IConfiguration configuration)
    {
        var section = configuration.GetSection(SiloSettings.Section);
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(string)))
        {
            if (section[property.Name] is not { } raw)
            {
                continue;
            }

            string? problem = null;
            if (string.IsNullOrWhiteSpace(raw))
            {
                problem = "is empty";
            }
            else
            {
                try
                {
                    _ = section.GetValue(property.PropertyType, property.Name);
                }
                catch (InvalidOperationException)
                {
                    problem = "cannot be read";
                }
            }

            if (problem is not null)
            {
                var expected = property.PropertyType == typeof(int) ? "a whole number"
                    : property.PropertyType == typeof(bool) ? "true or false"
                    : property.PropertyType == typeof(TimeSpan) ? "a duration such as 00:00:20"
                    : property.PropertyType.Name;
                yield return $"{SiloSettings.Section}:{property.Name}: '{raw}' is not {expected}";
            }
        }
    }

    /// <summary>Binds <typeparamref name="T"/> from the section, leaving at their defaults the values it cannot read (the validation names them).</summary>
    private sealed class SectionBinding<T>(IConfiguration configuration) : IConfigureOptions<T>
        where T : class
    {
        public void Configure(T options)
        {
            var unreadable = Unreadable<T>(configuration).Select(line => line.Split(':')[1]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var readable = configuration.GetSection(SiloSettings.Section).AsEnumerable(makePathsRelative: true)
                .Where(entry => entry.Value is not null && !unreadable.Contains(entry.Key));
            new ConfigurationBuilder().AddInMemoryCollection(readable).Build().Bind(options);
        }
    }

    /// <summary>Fails with the values the binder could not read, or else with <paramref name="problems"/> of the bound settings.</summary>
    private sealed class SectionValidation<T>(IConfiguration configuration, Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = Unreadable<T>(configuration).ToList();
            if (failures.Count == 0)
            {
                failures.AddRange(problems(options));
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
