using SecretRotation.MountedVolumes;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>
/// The reader owns its volume watch: the engine's handle from <see cref="ISecretSource.Watch"/> is a subscription that
/// stops the reports, and only the reader's own Dispose ends the watch.
/// </summary>
public sealed class VolumeWatchOwnershipTests
{
    [Fact]
    public async Task DisposingTheSubscriptionStopsItsReportsAndALaterSubscriptionGetsThem()
    {
        using var directory = new TemporaryDirectory();
        using ISecretSource reader = new MountedSecretsReader(new MountedSecretsSource { Path = directory.Path });
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        reader.Watch(() => first.TrySetResult())!.Dispose();
        using var subscription = reader.Watch(() => second.TrySetResult());
        await File.WriteAllTextAsync(directory.Combine("password"), "new");

        await second.Task.WithTimeout("the second subscription to hear the write");
        Assert.False(first.Task.IsCompleted);
    }

    [Fact]
    public async Task DisposingAnEarlierSubscriptionLeavesTheCurrentOneAlone()
    {
        using var directory = new TemporaryDirectory();
        using ISecretSource reader = new MountedSecretsReader(new MountedSecretsSource { Path = directory.Path });
        var current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var earlier = reader.Watch(() => { });
        using var subscription = reader.Watch(() => current.TrySetResult());
        earlier!.Dispose();
        await File.WriteAllTextAsync(directory.Combine("password"), "new");

        await current.Task.WithTimeout("the current subscription to hear the write");
    }

    [Fact]
    public void OnlyTheReadersDisposeEndsTheWatch()
    {
        using var directory = new TemporaryDirectory();
        ISecretSource reader = new RenderedSecretsFileReader(new MountedSecretsFileSource { Path = directory.Combine("app.json") });
        reader.Watch(() => { })!.Dispose();
        using (reader.Watch(() => { }))
        {
        }

        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reader.Watch(() => { }));
    }
}
