using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// A real PostgreSQL cluster of its own: <c>initdb</c> into a temp directory, <c>postgres</c> on a free loopback port (and a
/// unix socket in that directory) with durability off, password (SCRAM) authentication for every connection. Stopped and
/// deleted on dispose. As root (this machine, CI) the server runs as the <c>postgres</c> user, since postgres refuses root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ReadyLine = "database system is ready to accept connections";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root;
    private readonly string _binDirectory;
    private readonly string? _runAs;
    private readonly Process _process;
    private readonly List<string> _log = [];

    private PostgresServer(string root, string binDirectory, string? runAs, Process process, int port, string adminPassword)
    {
        _root = root;
        _binDirectory = binDirectory;
        _runAs = runAs;
        _process = process;
        Port = port;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = "postgres",
            Username = AdminUser,
            Password = adminPassword,
            Pooling = true,
            MaxPoolSize = 8,
        }.ConnectionString;
    }

    /// <summary>The bootstrap superuser's name.</summary>
    public const string AdminUser = "sr_admin";

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the superuser.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The server's version line (<c>postgres --version</c>).</summary>
    public string Version { get; private set; } = string.Empty;

    /// <summary>A connection string for <paramref name="user"/> without a password (the recipe adds it); no pool of its own.</summary>
    public string ConnectionStringFor(string user) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = "postgres",
        Username = user,
    }.ConnectionString;

    /// <summary>
    /// Finds the binaries, makes a cluster and starts it. Throws <see cref="InvalidOperationException"/> with the reason when
    /// any step fails (no binaries, no <c>postgres</c> user as root, initdb or start-up failure).
    /// </summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries: initdb was found neither on PATH nor under /usr/lib/postgresql/*/bin. Install Debian's "
            + "'postgresql' package (.ci/run does so with apt-get when initdb is missing).");
        string? runAs = null;
        if (Environment.IsPrivilegedProcess)
        {
            // postgres refuses to run as root: run initdb and the server as the package's system user.
            runAs = "postgres";
            if (await RunAsync("id", ["-u", runAs], cancellationToken) is { ExitCode: not 0 } idResult)
            {
                throw new InvalidOperationException(
                    $"Running as root, and there is no '{runAs}' user to run the server as (id: {idResult.Output.Trim()}). Debian's postgresql package creates it.");
            }
        }

        var root = Directory.CreateTempSubdirectory("secretrotation-pg-").FullName;
        try
        {
            var data = Path.Join(root, "data");
            var passwordFile = Path.Join(root, "pwfile");
            var adminPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            await File.WriteAllTextAsync(passwordFile, adminPassword + "\n", cancellationToken);
            if (runAs is not null)
            {
                await RunCheckedAsync("chown", ["-R", $"{runAs}:", root], "chown the cluster directory", cancellationToken);
            }

            await RunCheckedAsync(
                Path.Join(bin, "initdb"),
                ["-D", data, "-U", AdminUser, "--pwfile", passwordFile, "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync", "--no-instructions"],
                "initdb",
                cancellationToken,
                runAs);
            File.Delete(passwordFile);

            // A free port: bound, released, then given to postgres. Another process may take it in between: tried again.
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreePort();
                try
                {
                    var server = await LaunchAsync(root, bin, data, port, runAs, adminPassword, cancellationToken);
                    server.Version = (await RunAsync(Path.Join(bin, "postgres"), ["--version"], cancellationToken)).Output.Trim();
                    return server;
                }
                catch (InvalidOperationException exception) when (exception.Message.Contains("Address already in use", StringComparison.Ordinal))
                {
                    last = exception;
                }
            }

            throw last!;
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>Opens a connection as the superuser.</summary>
    public async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAdminAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs one scalar query as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAdminAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_process.HasExited)
        {
            // A fast shutdown (SIGINT through pg_ctl) ends every session; kill it if it does not stop in time.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await RunAsync(Path.Join(_binDirectory, "pg_ctl"), ["stop", "-D", Path.Join(_root, "data"), "-m", "fast", "-w", "-t", "20"], stop.Token, _runAs);
                await _process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
        TryDelete(_root);
    }

    private static async Task<PostgresServer> LaunchAsync(
        string root, string bin, string data, int port, string? runAs, string adminPassword, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-D", data,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-k", root,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=300",
            "-c", "shared_buffers=32MB",
            "-c", "log_min_messages=warning",
            "-c", "log_connections=off",
        ];
        var process = Start(Path.Join(bin, "postgres"), arguments, runAs);
        var server = new PostgresServer(root, bin, runAs, process, port, adminPassword);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (server._log)
            {
                if (server._log.Count < 200)
                {
                    server._log.Add(e.Data);
                }
            }

            if (e.Data.Contains(ReadyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var exited = process.WaitForExitAsync(cancellationToken);
        var finished = await Task.WhenAny(ready.Task, exited, Task.Delay(StartTimeout, cancellationToken));
        if (finished == ready.Task)
        {
            return server;
        }

        string log;
        lock (server._log)
        {
            log = string.Join('\n', server._log.TakeLast(20));
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
        throw new InvalidOperationException($"postgres did not start on 127.0.0.1:{port} within {StartTimeout.TotalSeconds} s:\n{log}");
    }

    private static Process Start(string fileName, IReadOnlyList<string> arguments, string? runAs)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (runAs is null)
        {
            info.FileName = fileName;
        }
        else
        {
            // setpriv execs the program (no intermediate process), so the process we hold is the server itself.
            info.FileName = "setpriv";
            foreach (var argument in (string[])[$"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--", fileName])
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LC_ALL"] = "C";
        info.Environment.Remove("PGPASSWORD");
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? runAs = null)
    {
        using var process = Start(fileName, arguments, runAs);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task RunCheckedAsync(
        string fileName, IReadOnlyList<string> arguments, string what, CancellationToken cancellationToken, string? runAs = null)
    {
        var (exitCode, output) = await RunAsync(fileName, arguments, cancellationToken, runAs);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit code {exitCode}):\n{output.Trim()}");
        }
    }

    /// <summary>The directory of <c>initdb</c>: on PATH (resolving a symlink), else the highest /usr/lib/postgresql/N/bin.</summary>
    private static string? FindBinDirectory()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(directory, "initdb");
            if (File.Exists(candidate))
            {
                var resolved = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                var bin = Path.GetDirectoryName(resolved)!;
                if (File.Exists(Path.Join(bin, "postgres")) && File.Exists(Path.Join(bin, "pg_ctl")))
                {
                    return bin;
                }
            }
        }

        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian))
        {
            return null;
        }

        return Directory.EnumerateDirectories(debian)
            .Select(directory => (Directory: directory, Version: decimal.TryParse(Path.GetFileName(directory), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(entry => entry.Version >= 0 && File.Exists(Path.Join(entry.Directory, "bin", "initdb")))
            .OrderByDescending(entry => entry.Version)
            .Select(entry => Path.Join(entry.Directory, "bin"))
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
