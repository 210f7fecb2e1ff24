namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// Reads a watch stream one line (one JSON event) at a time, each at most a given length: an endless or huge line from a
/// hostile or broken server fails the watch instead of filling memory.
/// </summary>
internal sealed class LineReader
{
    private readonly Stream _stream;
    private readonly int _maxLine;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public LineReader(Stream stream, int maxLine)
    {
        _stream = stream;
        _maxLine = maxLine;
    }

    /// <summary>The next non-empty line without its <c>\n</c>, or <see langword="null"/> at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">A line is longer than the cap, or the stream ends inside a line.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline - _start);
                _start = newline + 1;
                if (line.Span.Trim((byte)'\r').IsEmpty)
                {
                    scanFrom = _start;
                    continue;
                }

                // Copied: the buffer is reused by the next read.
                return line.ToArray();
            }

            if (_end - _start > _maxLine)
            {
                throw new InvalidDataException($"A watch event is longer than {_maxLine} bytes.");
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, _maxLine + 2L));
            }

            scanFrom = _end;
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end - _start > 0 && !_buffer.AsSpan(_start, _end - _start).Trim((byte)'\r').IsEmpty)
                {
                    throw new InvalidDataException("The watch stream ended inside an event.");
                }

                return null;
            }

            _end += read;
        }
    }
}
