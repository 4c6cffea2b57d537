using System.Collections.Concurrent;
using System.Globalization;

namespace HiApi.Client;

/// <summary>
/// The price list as last read, per API root, for the whole process: in PowerShell, the session. It is read once and
/// then kept for <see cref="Lifetime"/> (an hour by default: HiAPI changes prices rarely, and a session may run for
/// days), so a <c>-WhatIf</c> and the run that follows it estimate from the same list. <c>refresh</c> reads it again.
/// A list that could not be read is never kept: the next call tries again.
/// </summary>
public sealed class PriceListCache
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    public PriceListCache(TimeSpan? lifetime = null, TimeProvider? timeProvider = null)
    {
        Lifetime = lifetime ?? DefaultLifetime;
        if (Lifetime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "A lifetime cannot be negative.");
        }

        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The cache every cmdlet of the process shares.</summary>
    public static PriceListCache Shared { get; } = new();

    public TimeSpan Lifetime { get; }

    /// <summary>The kept list when it is younger than <see cref="Lifetime"/> and <paramref name="refresh"/> is false; else read now, and kept.</summary>
    public async Task<PriceList> GetAsync(PriceListClient client, bool refresh = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = client.PriceListUri.AbsoluteUri;
        if (!refresh && _entries.TryGetValue(key, out var kept) && _time.GetUtcNow() - kept.StoredAt < Lifetime)
        {
            client.Log?.Invoke(
                $"Price list from this session's cache (read {UtcText.TimeOfDay(kept.List.RetrievedAt)}, " +
                $"kept up to {Describe(Lifetime)}; -Refresh reads it again).");
            return kept.List;
        }

        var list = await client.GetAsync(ct).ConfigureAwait(false);
        _entries[key] = new Entry(list, _time.GetUtcNow());
        return list;
    }

    /// <summary>Forgets every kept list.</summary>
    public void Clear() => _entries.Clear();

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours)
        ? $"{span.TotalHours:0} h"
        : $"{span.TotalMinutes:0.#} min";

    private sealed record Entry(PriceList List, DateTimeOffset StoredAt);
}
