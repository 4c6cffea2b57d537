namespace HiApi.Client;

/// <summary>How an error of one input is reported (see <see cref="AccountRefusal.Observe"/>).</summary>
public enum RefusalReport
{
    /// <summary>Written as the input's own error.</summary>
    Own,

    /// <summary>The same account-wide refusal as an earlier input: counted in the run's summary instead of repeated.</summary>
    Folded,
}
