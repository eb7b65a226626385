namespace ProcessMesh.Grains.Engines.Process.Emulated;

/// <summary>
/// A crowded emulated process's turn: what a real process woken by a message waits in the kernel's run queue, behind
/// every process already runnable. The thread pool's global queue is first in, first out; a grain made runnable from a
/// pool thread goes to that thread's own queue, last in, first out, ahead of all of it (Orleans'
/// <c>WorkItemGroup.ScheduleExecution</c> queues with <c>preferLocal: true</c>). So a turn is a work item queued to the
/// global queue whose completion makes the grain runnable again, behind what was queued before it.
/// </summary>
internal static class RunQueue
{
    /// <summary>
    /// A task that completes once a work item queued now to the thread pool's global queue runs; awaited in a grain, the
    /// grain then goes on in its own context, run next on the thread that ran the work item.
    /// </summary>
    public static Task Turn()
    {
        var turn = new TaskCompletionSource();
        ThreadPool.UnsafeQueueUserWorkItem(static t => t.SetResult(), turn, preferLocal: false);
        return turn.Task;
    }
}
