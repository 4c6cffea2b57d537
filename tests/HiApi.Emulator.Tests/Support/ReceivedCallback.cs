namespace HiApi.Emulator.Tests.Support;

/// <summary>One callback as the receiver got it: the raw body bytes and the signature headers (null when absent).</summary>
public sealed record ReceivedCallback(byte[] Body, string? Timestamp, string? Signature);
