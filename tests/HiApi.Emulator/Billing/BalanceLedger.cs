using HiApi.Emulator.Tasks;
using HiApi.Mock.Tasks;

namespace HiApi.Emulator.Billing;

/// <summary>
/// What each limited key has spent and holds in reserve. As the seeds describe: a create reserves
/// duration x price up front, success charges it, fail releases it. Tasks settle lazily (on the next look at the
/// key), which is exact because a task's outcome is fixed at creation. Keys with no balance are not tracked.
/// </summary>
internal sealed class BalanceLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Reserves <see cref="EmulatedTask.Cost"/> for <paramref name="task"/> unless the available balance cannot
    /// cover it. <paramref name="available"/> is the balance that was available before the reservation.
    /// </summary>
    public bool TryReserve(EmulatorApiKey key, EmulatedTask task, out decimal available)
    {
        if (key.Balance is not { } balance)
        {
            available = decimal.MaxValue;
            return true;
        }

        lock (_gate)
        {
            var account = Settle(key.Key);
            available = balance - account.Spent - account.Pending.Sum(pending => pending.Cost);
            if (task.Cost > available)
            {
                return false;
            }
            account.Pending.Add(task);
            return true;
        }
    }

    /// <summary>The configured balance less what successful tasks were charged (reservations not deducted).</summary>
    public decimal BalanceOf(EmulatorApiKey key)
    {
        if (key.Balance is not { } balance)
        {
            return decimal.MaxValue;
        }
        lock (_gate)
        {
            return balance - Settle(key.Key).Spent;
        }
    }

    /// <summary>What in-flight tasks of <paramref name="key"/> hold in reserve.</summary>
    public decimal ReservedBy(EmulatorApiKey key)
    {
        lock (_gate)
        {
            return Settle(key.Key).Pending.Sum(pending => pending.Cost);
        }
    }

    /// <summary>Forgets past spending, so a replaced key list starts from its configured balances.</summary>
    public void ResetSpending()
    {
        lock (_gate)
        {
            foreach (var account in _accounts.Values)
            {
                account.Spent = 0;
            }
        }
    }

    private Account Settle(string key)
    {
        if (!_accounts.TryGetValue(key, out var account))
        {
            account = new Account();
            _accounts[key] = account;
        }

        account.Pending.RemoveAll(task =>
        {
            var status = task.Status;
            if (status == TaskStatuses.Success)
            {
                account.Spent += task.Cost;
                return true;
            }
            return status == TaskStatuses.Fail;
        });
        return account;
    }

    private sealed class Account
    {
        public decimal Spent { get; set; }
        public List<EmulatedTask> Pending { get; } = [];
    }
}
