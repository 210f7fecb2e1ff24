using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AksSample;

/// <summary>
/// Renders a <see cref="StatusReport"/> as a small HTML page that updates itself live: a short inline script polls
/// <c>/status</c> every second and rewrites the rows in place, so a rotation shows without a reload (without JavaScript, the
/// page reloads every 2 seconds instead).
/// </summary>
public static class StatusPage
{
    /// <summary>Rows changed this recently are highlighted.</summary>
    private static readonly TimeSpan RecentChange = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Reads <c>/status</c> every second and updates both tables in place (rows keyed by <c>data-key</c>), the "updated" time
    /// and the highlight of rows changed in the last 3 seconds. Text only (<c>textContent</c>), no HTML from the response.
    /// </summary>
    private const string LiveUpdateScript = """

        (() => {
          'use strict';
          const pollMs = 1000, recentMs = 3000;
          const time = iso => new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
          const ago = (from, to) => Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 1000));
          const connection = document.getElementById('connection');

          // Each cell: [class, text, in <code>?]. Rows are matched by data-key, added, moved or removed as the report says.
          function sync(body, items, keyOf, cellsOf, recentOf) {
            const old = new Map(Array.from(body.rows, row => [row.dataset.key, row]));
            items.forEach((item, index) => {
              const key = keyOf(item), cells = cellsOf(item);
              let row = old.get(key);
              old.delete(key);
              if (!row || row.cells.length !== cells.length) {
                row?.remove();
                row = document.createElement('tr');
                row.dataset.key = key;
                for (const [cls, , code] of cells) {
                  const cell = row.insertCell();
                  cell.className = cls;
                  if (code) cell.appendChild(document.createElement('code'));
                }
              }
              if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] ?? null);
              cells.forEach(([, text], i) => {
                const target = row.cells[i].querySelector('code') ?? row.cells[i];
                if (target.textContent !== text) target.textContent = text;
              });
              row.classList.toggle('recent', recentOf(item));
            });
            old.forEach(row => row.remove());
          }

          function render(report) {
            const now = report.generatedAt;
            document.getElementById('updated').textContent = time(now);
            sync(document.getElementById('secrets'), report.secrets, secret => secret.name, secret => [
              ['name', secret.name, true],
              ['fingerprint', secret.fingerprint ?? '(not set)', true],
              ['source', secret.source, true],
              ['changed', time(secret.lastChanged) + (secret.changeCount === 0 ? ' (initial value, ' : ' (') + ago(secret.lastChanged, now) + ' s ago)'],
              ['count', String(secret.changeCount)],
            ], secret => secret.changeCount > 0 && Date.parse(now) - Date.parse(secret.lastChanged) < recentMs);
            if (report.postgres) {
              document.getElementById('pg-served').textContent = String(report.postgres.served);
              document.getElementById('pg-failed').textContent = String(report.postgres.failed);
              document.getElementById('pg-generation').textContent = String(report.postgres.generation);
              document.getElementById('pg-last-failure').textContent = report.postgres.lastFailureType
                ? report.postgres.lastFailureType + ' at ' + time(report.postgres.lastFailure) : 'none';
            }
            sync(document.getElementById('sources'), report.sources, source => source.sourceName, source => [
              ['source', source.sourceName, true],
              ['loaded', source.hasLoaded ? 'yes' : 'no'],
              ['keys', String(source.keyCount)],
              ['success', source.lastSuccess ? time(source.lastSuccess) : 'never'],
              ['failures', String(source.consecutiveFailures)],
              ['error', source.lastError ?? ''],
            ], () => false);
          }

          async function poll() {
            try {
              const response = await fetch('status', { cache: 'no-store', headers: { Accept: 'application/json' } });
              if (!response.ok) throw new Error('HTTP ' + response.status);
              render(await response.json());
              connection.textContent = '';
            } catch (error) {
              connection.textContent = 'Cannot read /status (' + error.message + '); trying again every second.';
            } finally {
              setTimeout(poll, pollMs);
            }
          }

          setTimeout(poll, pollMs);
        })();

        """;

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
            <noscript><meta http-equiv="refresh" content="2"></noscript>
            <title>AksSample: secret rotation</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
            table { border-collapse: collapse; margin-bottom: 1.5rem; }
            th, td { border: 1px solid #ccc; padding: .35rem .7rem; text-align: left; }
            th { background: #f3f3f3; }
            code { font-family: ui-monospace, monospace; }
            tr.recent td { background: #fff6c2; }
            .muted { color: #777; }
            .warning { color: #a40000; }
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

        html.Append(" &middot; updated <span id=\"updated\">").Append(encoder.Encode(FormatTime(now)))
            .Append("</span> &middot; this page updates live (it reads <a href=\"status\">/status</a> every second).</p>\n")
            .Append("<p id=\"connection\" class=\"warning\" role=\"status\"></p>\n");

        if (report.Postgres is { } postgres)
        {
            // The PostgreSQL load (Sample:Postgres:Enabled): counts only.
            html.Append("<h2>PostgreSQL</h2>\n<p id=\"postgres\">Queries served: <strong id=\"pg-served\">")
                .Append(postgres.Served.ToString(CultureInfo.InvariantCulture))
                .Append("</strong> &middot; failed: <strong id=\"pg-failed\">").Append(postgres.Failed.ToString(CultureInfo.InvariantCulture))
                .Append("</strong> &middot; data source generation <span id=\"pg-generation\">").Append(postgres.Generation.ToString(CultureInfo.InvariantCulture))
                .Append("</span> (one more per rotation of Database:User / Database:Password) &middot; ")
                .Append(postgres.Workers.ToString(CultureInfo.InvariantCulture))
                .Append(" worker(s) running SELECT 1. Last failure: <span id=\"pg-last-failure\">")
                .Append(encoder.Encode(postgres.LastFailureType is null ? "none" : $"{postgres.LastFailureType} at {FormatTime(postgres.LastFailure ?? now)}"))
                .Append("</span></p>\n");
        }

        html.Append("""
            <h2>Secrets</h2>
            <table>
            <thead><tr><th>Secret</th><th>Fingerprint (HMAC-SHA256, per-process key, first 12 hex)</th><th>Source</th><th>Last changed</th><th>Rotations seen</th></tr></thead>
            <tbody id="secrets">

            """);
        foreach (var secret in report.Secrets)
        {
            var recent = secret.ChangeCount > 0 && now - secret.LastChanged < RecentChange;
            html.Append("<tr data-key=\"").Append(encoder.Encode(secret.Name)).Append(recent ? "\" class=\"recent\">" : "\">")
                .Append("<td class=\"name\"><code>").Append(encoder.Encode(secret.Name)).Append("</code></td>")
                .Append("<td class=\"fingerprint\"><code>").Append(encoder.Encode(secret.Fingerprint ?? "(not set)")).Append("</code></td>")
                .Append("<td class=\"source\"><code>").Append(encoder.Encode(secret.Source)).Append("</code></td>")
                .Append("<td class=\"changed\">").Append(encoder.Encode(DescribeChange(secret, now))).Append("</td>")
                .Append("<td class=\"count\">").Append(secret.ChangeCount.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("</tr>\n");
        }

        html.Append("""
            </tbody>
            </table>
            <h2>Secret sources</h2>
            <table>
            <thead><tr><th>Source</th><th>Loaded</th><th>Keys</th><th>Last success</th><th>Consecutive failures</th><th>Last error</th></tr></thead>
            <tbody id="sources">

            """);
        foreach (var source in report.Sources)
        {
            html.Append("<tr data-key=\"").Append(encoder.Encode(source.SourceName)).Append("\">")
                .Append("<td class=\"source\"><code>").Append(encoder.Encode(source.SourceName)).Append("</code></td>")
                .Append("<td class=\"loaded\">").Append(source.HasLoaded ? "yes" : "no").Append("</td>")
                .Append("<td class=\"keys\">").Append(source.KeyCount.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td class=\"success\">").Append(encoder.Encode(source.LastSuccess is { } success ? FormatTime(success) : "never")).Append("</td>")
                .Append("<td class=\"failures\">").Append(source.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td class=\"error\">").Append(encoder.Encode(source.LastError ?? "")).Append("</td>")
                .Append("</tr>\n");
        }

        html.Append("""
            </tbody>
            </table>
            <p class="muted">Values are never shown, logged or returned: only fingerprints. The same data as JSON: <a href="status">/status</a>.</p>
            <script>
            """).Append(LiveUpdateScript).Append("""
            </script>
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
