using System.Text;
using SecretRotation.Kubernetes.Internal;

namespace SecretRotation.Kubernetes.Tests;

public sealed class LineReaderTests
{
    [Fact]
    public async Task LinesSplitAcrossReadsComeWhole()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes("{\"a\":1}\n\n{\"b\":2}\r\n"), chunk: 3);
        var reader = new LineReader(stream, maxLine: 1024);

        var first = await reader.ReadLineAsync(CancellationToken.None);
        var second = await reader.ReadLineAsync(CancellationToken.None);
        var end = await reader.ReadLineAsync(CancellationToken.None);

        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(first!.Value.Span));
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(second!.Value.Span).TrimEnd('\r'));
        Assert.Null(end);
    }

    [Fact]
    public async Task ALineOverTheCapFailsInsteadOfFillingMemory()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes(new string('x', 10_000)), chunk: 512);
        var reader = new LineReader(stream, maxLine: 1000);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(CancellationToken.None));
        Assert.True(stream.Position <= 2048, $"read {stream.Position} bytes");
    }

    [Fact]
    public async Task AStreamEndingInsideAnEventIsAnError()
    {
        var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes("{\"type\":\"ADD")), maxLine: 1000);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(CancellationToken.None));
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, as a network stream does.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
