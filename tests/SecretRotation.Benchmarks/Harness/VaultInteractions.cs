using System.Globalization;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 4 of <c>vault</c>, informational (no target, not in the exit code): two lifetimes the targets do not cover, found
/// while measuring. (a) A KV v2 path next to a lease that renews more often than the poll interval: each renewal is a
/// RefreshBy read, which does not check KV, yet it restarts the poll timer. (b) A token whose max TTL ends before the
/// lease's: the lease belongs to the old token and is revoked with it, after the source has logged in again.
/// </summary>
internal static class VaultInteractions
{
    private const string KvPath = $"secret/{VaultPod.Role}/s01";
    private const string CredsPath = $"database/creds/{VaultPod.Role}";

    private static readonly TimeSpan ShortLeaseTtl = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan KvChangeAt = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ShortTokenMaxTtl = TimeSpan.FromHours(2);
    private static readonly TimeSpan TokenWindow = TimeSpan.FromHours(4);

    public static async Task WriteAsync(TextWriter output)
    {
        output.WriteLine("4. Interactions (informational: no target, not in the exit code), with lifetimes the targets above do not use.");
        output.WriteLine();
        await ShortLeaseAsync(output);
        output.WriteLine();
        await ShortTokenMaxTtlAsync(output);
    }

    /// <summary>(a) One KV v2 path and a renewable lease of 5 min (max 24 h); the KV path changes at +2 min.</summary>
    private static async Task ShortLeaseAsync(TextWriter output)
    {
        await using var pod = await VaultPod.StartAsync(
            emulator =>
            {
                emulator.WriteKv(KvPath, new Dictionary<string, object?> { ["password"] = "kv value 1" });
                emulator.AddDatabaseRole(VaultPod.Role, ShortLeaseTtl, TimeSpan.FromHours(24));
            },
            options => options.Map(KvPath, "Kv").Map(CredsPath, "Db"));
        var written = false;
        var run = await VaultRun.RecordAsync("a", pod, HashiCorpVaultHarness.PodHour, HashiCorpVaultHarness.Step, beforeStep: elapsed =>
        {
            if (!written && elapsed >= KvChangeAt)
            {
                pod.Emulator.WriteKv(KvPath, new Dictionary<string, object?> { ["password"] = "kv value 2" });
                written = true;
            }
        });

        var c = run.Requests;
        var seen = pod["Kv:password"] == "kv value 2";
        output.WriteLine($"   (a) {KvPath} and {CredsPath} with a lease TTL of {ShortLeaseTtl.TotalMinutes:0} min (max 24 h), 5-min poll, {KvPath} changed at "
            + $"+{HashiCorpVaultHarness.Clock(KvChangeAt)}, one pod-hour:");
        output.WriteLine($"       reads {run.ReadsByTrigger}; polls {run.Polls.Count}; metadata {c.Metadata}, data {c.Data}; lease renewals {c.LeaseRenewals}, "
            + $"creds reads {c.Creds}; renew-self {c.TokenRenewals}; errors {c.Errors}; reloads {run.Reloads}; the change reached the configuration: {(seen ? "yes" : "no")}");
        output.WriteLine("       (every lease renewal is a RefreshBy read; it neither checks KV v2 nor moves the engine's 5-min poll)");
    }

    /// <summary>(b) A lease of 1 h (max 24 h) read with a token whose max TTL is 2 h: the source logs in again before it ends.</summary>
    private static async Task ShortTokenMaxTtlAsync(TextWriter output)
    {
        await using var pod = await VaultPod.StartAsync(
            emulator =>
            {
                // Replaces the pod's role: same JWT and policy, a shorter max TTL.
                emulator.AddKubernetesRole(VaultPod.Role, VaultPod.ServiceAccountJwt, VaultPod.TokenTtl, ShortTokenMaxTtl, [VaultPod.Role]);
                emulator.AddDatabaseRole(VaultPod.Role, TimeSpan.FromHours(1), TimeSpan.FromHours(24));
            },
            options => options.Map(CredsPath, "Db"));

        var events = new List<string>();
        TimeSpan? deadSince = null;
        var run = await VaultRun.RecordAsync("b", pod, TokenWindow, HashiCorpVaultHarness.Step, afterStep: step =>
        {
            var live = pod.Emulator.ActiveLeases.Any(lease => string.Equals(lease.Username, pod["Db:username"], StringComparison.Ordinal));
            var c = step.Requests;
            var what = new List<string>();
            Add(what, c.Logins, "login");
            Add(what, c.TokenRenewals, "renew-self");
            Add(what, c.LeaseRenewals, "lease renewal");
            Add(what, c.Creds, "creds read");
            Add(what, c.Errors, "answered with an error");
            if (!live && deadSince is null)
            {
                deadSince = step.At;
                what.Add("the lease of the credentials in use is gone (revoked with the token that read it)");
            }
            else if (live && deadSince is { } since && c.Creds > 0)
            {
                what.Add($"new credentials: the configuration held revoked ones for {(step.At - since).TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture)} min");
                deadSince = null;
            }

            if (what.Count > 0)
            {
                events.Add($"+{HashiCorpVaultHarness.Clock(step.At)} {string.Join("; ", what)}");
            }
        });

        output.WriteLine($"   (b) {CredsPath}, lease TTL 1 h (max 24 h), read with a Kubernetes-auth token of TTL 1 h and max TTL {ShortTokenMaxTtl.TotalHours:0} h, "
            + $"{TokenWindow.TotalHours:0} h: reads {run.ReadsByTrigger}; reloads {run.Reloads}; source failures: {(run.Failed ? "yes" : "none")}");
        foreach (var line in events)
        {
            output.WriteLine($"       {line}");
        }
    }

    private static void Add(List<string> what, int count, string name)
    {
        if (count > 0)
        {
            what.Add(count == 1 ? name : $"{count} x {name}");
        }
    }
}
