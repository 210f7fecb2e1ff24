namespace SecretRotation.AzureKeyVault.Tests.Hardening;

/// <summary>
/// The same-second safety re-read happens once per rotation, even at a poll fast enough that the re-read itself comes
/// within the settle time.
/// </summary>
public sealed class ARotationCostsAtMostOneSafetyRereadTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AtAOneSecondPollARotationCostsOneGetAndOneSafetyReread(bool pushed)
    {
        await using var harness = await KeyVaultHarness.StartAsync();
        harness.Emulator.SetSecret("db-password", "v1");
        harness.Emulator.SetSecret("db-user", "app");
        harness.Build(s =>
        {
            s.PollInterval = OneSecond;

            // The re-read rides on the poll. A delivered notice counts as push health, which would stretch the poll to the
            // push-covered interval (1 h); this test is about the poll, so it keeps polling every second.
            s.PushCoveredPollInterval = null;
        });

        // Move the poll clock to half seconds (12:00:01.5, 02.5, ...), so a poll can land in the second of a write.
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        await harness.Refresher.RefreshAsync();
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(700));

        // 12:00:01.2: rotated; its 'updated' is 12:00:01, so fetches before 12:00:03 are not settled.
        harness.Emulator.ClearRequests();
        var version = harness.Emulator.SetSecret("db-password", "v2");
        if (pushed)
        {
            await harness.Refresher.RefreshAsync(new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, harness.Emulator.VaultUri.Authority, "db-password", version));
        }

        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(300));
        for (var poll = 0; poll < 5; poll++)
        {
            await harness.AdvanceAsync(OneSecond);
        }

        Assert.Equal("v2", harness.Configuration["db-password"]);
        Assert.Equal(6, harness.Lists());
        Assert.Equal(2, harness.Gets("db-password"));
        Assert.Equal(0, harness.Gets("db-user"));
        Assert.Equal(1, harness.Reloads);
    }
}
