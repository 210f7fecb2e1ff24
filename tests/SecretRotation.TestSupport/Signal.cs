namespace SecretRotation.TestSupport;

/// <summary>Waits for something to happen, with a generous timeout instead of a sleep.</summary>
public static class Signal
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<T> WithTimeout<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
        }
    }

    public static async Task WithTimeout(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
        }
    }
}
