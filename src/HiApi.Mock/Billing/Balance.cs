using HiApi.Mock.Tasks;

namespace HiApi.Mock.Billing;

/// <summary>
/// What the stand-in's key has spent and holds in reserve, as the emulator bills: a create reserves its cost, success
/// charges it, fail releases it. Tasks settle lazily (at the next look), which is exact because a task's outcome is
/// fixed at creation.
/// </summary>
internal sealed class Balance
{
    private readonly object _gate = new();
    private readonly List<StandInTask> _pending = [];
    private decimal _spent;

    /// <summary>
    /// Reserves <paramref name="task"/>'s cost unless <paramref name="balance"/> (null: unlimited) cannot cover it.
    /// <paramref name="available"/> is what was available before the reservation.
    /// </summary>
    public bool TryReserve(decimal? balance, StandInTask task, out decimal available)
    {
        if (balance is not { } limit)
        {
            available = decimal.MaxValue;
            return true;
        }

        lock (_gate)
        {
            Settle();
            available = limit - _spent - _pending.Sum(pending => pending.Cost);
            if (task.Cost > available)
            {
                return false;
            }

            _pending.Add(task);
            return true;
        }
    }

    private void Settle() =>
        _pending.RemoveAll(task =>
        {
            var status = task.Status;
            if (status == TaskStatuses.Success)
            {
                _spent += task.Cost;
                return true;
            }

            return status == TaskStatuses.Fail;
        });
}
