using System.Text;

namespace SecretRotation.Cli.Tests;

/// <summary>A <see cref="StringWriter"/> that tests can wait on: <see cref="WaitForAsync"/> completes once the text appears.</summary>
internal sealed class ObservableWriter : StringWriter
{
    private readonly Lock _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public Task WaitForAsync(string text)
    {
        lock (_gate)
        {
            if (GetStringBuilder().ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task;
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return GetStringBuilder().ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
            Check();
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
            Check();
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            base.Write(buffer, index, count);
            Check();
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            base.Write(buffer);
            Check();
        }
    }

    public override void Write(StringBuilder? value)
    {
        lock (_gate)
        {
            base.Write(value);
            Check();
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
            Check();
        }
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            base.WriteLine(buffer);
            Check();
        }
    }

    private void Check()
    {
        var text = GetStringBuilder().ToString();
        _waiters.RemoveAll(waiter =>
        {
            if (!text.Contains(waiter.Text, StringComparison.Ordinal))
            {
                return false;
            }

            waiter.Seen.TrySetResult();
            return true;
        });
    }
}
