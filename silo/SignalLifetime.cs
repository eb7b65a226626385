using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace ProcessMesh.Silo;

/// <summary>
/// Stops the silo on SIGTERM, SIGINT or SIGQUIT, and nothing else. The default console lifetime also holds the
/// process's exit until the host is disposed, so a shutdown stuck on an unreachable membership table would keep
/// the process alive for ever; <see cref="Program"/> instead bounds the stop and exits.
/// </summary>
internal sealed class SignalLifetime(IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                lifetime.StopApplication();
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
