namespace HiApi.Bench.Children;

/// <summary>
/// A process that submitted <see cref="Tasks"/> tasks and waited on all of them at once with one
/// <see cref="HiApi.Client.TaskWaiter"/>. <see cref="PeakWhileWaiting"/> covers the wait only (the kernel's peak is
/// reset when it starts); <see cref="PeakWholeProcess"/> is the kernel's peak before that reset, i.e. start-up and
/// submission.
/// </summary>
internal sealed record WaitManyChildResult(
    int Tasks,
    int Succeeded,
    int Other,
    double SubmitSeconds,
    double WaitSeconds,
    long WorkingSetBeforeWait,
    long PeakWhileWaiting,
    long PeakBeforeWait,
    long ManagedHeapWhileWaiting,
    long GetRequests,
    bool KernelPeak)
{
    public double GetsPerTask => Tasks == 0 ? 0 : (double)GetRequests / Tasks;
}
