using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AksSample;

/// <summary>Renders a <see cref="StatusReport"/> as a small HTML page that reloads itself every 2 seconds.</summary>
public static class StatusPage
{
    /// <summary>Rows changed this recently are highlighted.</summary>
    private static readonly TimeSpan RecentChange = TimeSpan.FromSeconds(3);

    public static string Render(StatusReport report, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(encoder);
        var now = report.GeneratedAt;
        var html = new StringBuilder(4096);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="2">
            <title>AksSample: secret rotation</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
            table { border-collapse: collapse; margin-bottom: 1.5rem; }
            th, td { border: 1px solid #ccc; padding: .35rem .7rem; text-align: left; }
            th { background: #f3f3f3; }
            code { font-family: ui-monospace, monospace; }
            tr.recent td { background: #fff6c2; }
            .muted { color: #777; }
            </style>
            </head>
            <body>
            <h1>Secret rotation without a restart</h1>

            """);

        html.Append("<p>Mode: <strong>").Append(encoder.Encode(report.Mode)).Append("</strong> &middot; secrets read from ");
        var sources = new List<string>(4);
        if (report.MountPath is not null)
        {
            sources.Add($"the volume <code>{encoder.Encode(report.MountPath)}</code>");
        }

        if (report.RenderedFile is not null)
        {
            sources.Add($"the rendered file <code>{encoder.Encode(report.RenderedFile)}</code>");
        }

        if (report.VaultUri is not null)
        {
            sources.Add($"the Key Vault <code>{encoder.Encode(report.VaultUri)}</code>");
        }

        if (report.HashiCorpVaultAddress is not null)
        {
            var paths = string.Join(", ", report.HashiCorpVaultPaths.Select(path => $"<code>{encoder.Encode(path)}</code>"));
            sources.Add($"HashiCorp Vault <code>{encoder.Encode(report.HashiCorpVaultAddress)}</code> ({paths})");
        }

        html.AppendJoin(", then ", sources);
        if (sources.Count > 1)
        {
            html.Append(" (a later source wins for a key several supply)");
        }

        html.Append(" &middot; rendered ").Append(encoder.Encode(FormatTime(now)))
            .Append(" &middot; this page reloads every 2 s.</p>\n");

        html.Append("""
            <h2>Secrets</h2>
            <table>
            <thead><tr><th>Secret</th><th>Fingerprint (HMAC-SHA256, per-process key, first 12 hex)</th><th>Source</th><th>Last changed</th><th>Rotations seen</th></tr></thead>
            <tbody>

            """);
        foreach (var secret in report.Secrets)
        {
            var recent = secret.ChangeCount > 0 && now - secret.LastChanged < RecentChange;
            html.Append(recent ? "<tr class=\"recent\">" : "<tr>")
                .Append("<td><code>").Append(encoder.Encode(secret.Name)).Append("</code></td>")
                .Append("<td><code>").Append(encoder.Encode(secret.Fingerprint ?? "(not set)")).Append("</code></td>")
                .Append("<td><code>").Append(encoder.Encode(secret.Source)).Append("</code></td>")
                .Append("<td>").Append(encoder.Encode(DescribeChange(secret, now))).Append("</td>")
                .Append("<td>").Append(secret.ChangeCount.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("</tr>\n");
        }

        html.Append("""
            </tbody>
            </table>
            <h2>Secret sources</h2>
            <table>
            <thead><tr><th>Source</th><th>Loaded</th><th>Keys</th><th>Last success</th><th>Consecutive failures</th><th>Last error</th></tr></thead>
            <tbody>

            """);
        foreach (var source in report.Sources)
        {
            html.Append("<tr>")
                .Append("<td><code>").Append(encoder.Encode(source.SourceName)).Append("</code></td>")
                .Append("<td>").Append(source.HasLoaded ? "yes" : "no").Append("</td>")
                .Append("<td>").Append(source.KeyCount.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td>").Append(encoder.Encode(source.LastSuccess is { } success ? FormatTime(success) : "never")).Append("</td>")
                .Append("<td>").Append(source.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td>").Append(encoder.Encode(source.LastError ?? "")).Append("</td>")
                .Append("</tr>\n");
        }

        html.Append("""
            </tbody>
            </table>
            <p class="muted">Values are never shown, logged or returned: only fingerprints. The same data as JSON: <a href="/status">/status</a>.</p>
            </body>
            </html>

            """);
        return html.ToString();
    }

    private static string DescribeChange(SecretReport secret, DateTimeOffset now)
    {
        var ago = now - secret.LastChanged;
        var seconds = Math.Max(0, (long)ago.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return secret.ChangeCount == 0
            ? $"{FormatTime(secret.LastChanged)} (initial value, {seconds} s ago)"
            : $"{FormatTime(secret.LastChanged)} ({seconds} s ago)";
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
