using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Support;

/// <summary>One read the engine made of a scripted source, and when (on the source's clock).</summary>
public sealed record RecordedRead(SecretReadRequest Request, DateTimeOffset At);
