namespace ProcessMesh.Grains.Engines.SharedMemory;

/// <summary>Runs work on a new OS thread, outside the Orleans scheduler and the .NET thread pool, as a task to await.</summary>
public static class DedicatedThread
{
    /// <summary>Starts <paramref name="work"/> on a background thread called <paramref name="name"/>.</summary>
    public static Task<T> Run<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
