using System.Net.Http.Json;
using System.Text.Json;
using SecretRotation.Cli.Rotate;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests;

/// <summary><c>rotate</c> against the Vault emulator: one KV v2 field replaced with check-and-set, the other fields kept.</summary>
public sealed class RotateVaultTests : IAsyncLifetime
{
    private VaultEmulator _vault = null!;

    public async Task InitializeAsync()
    {
        _vault = await VaultEmulator.StartAsync();
        _vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["username"] = "app", ["password"] = "old-password", ["port"] = 5432 });
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task TheFieldIsReplacedAndTheOtherFieldsAreKept()
    {
        var result = await Harness().RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var data = _vault.ReadKv("secret/myapp/db")!.Value;
        Assert.Equal("app", data.GetProperty("username").GetString());
        Assert.Equal(5432, data.GetProperty("port").GetInt32());
        var password = data.GetProperty("password").GetString()!;
        Assert.NotEqual("old-password", password);
        Assert.Equal(SecretGenerator.DefaultLength, password.Length);
        Assert.Equal(3, data.EnumerateObject().Count());
        Assert.Contains("Rotated secret/myapp/db field 'password'", result.Out, StringComparison.Ordinal);
        Assert.Contains("version      2", result.Out, StringComparison.Ordinal);
        Assert.Contains($"fingerprint  {Fingerprint.Of(password)}", result.Out, StringComparison.Ordinal);
        Assert.Contains("check-and-set on version 1; 2 other field(s) kept", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWriteCarriesCheckAndSetOnTheVersionRead()
    {
        _vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["username"] = "app", ["password"] = "second" });
        await SetCasRequiredAsync("secret/metadata/myapp/db");
        var sent = new List<string>();
        var harness = new CliHarness
        {
            Environment = { ["VAULT_ADDR"] = _vault.Address.ToString(), ["VAULT_TOKEN"] = _vault.RootToken },
            VaultHandler = () => new InterceptingHandler(_vault.CreateTrustingHandler(), async request =>
            {
                if (request.Method == HttpMethod.Post && request.Content is not null)
                {
                    sent.Add(await request.Content.ReadAsStringAsync());
                }
            }),
        };

        var result = await harness.RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        // With cas_required, Vault refuses a write without cas; the one sent names the version that was read.
        Assert.True(result.ExitCode == 0, result.ToString());
        var body = JsonDocument.Parse(Assert.Single(sent)).RootElement;
        Assert.Equal(2, body.GetProperty("options").GetProperty("cas").GetInt64());
        Assert.Equal("app", body.GetProperty("data").GetProperty("username").GetString());
        Assert.Contains(_vault.Requests, r => r is { Method: "POST", Path: "secret/data/myapp/db", StatusCode: 200 });
        Assert.Contains("version      3", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteInBetweenIsNeverOverwritten()
    {
        var harness = new CliHarness
        {
            Environment = { ["VAULT_ADDR"] = _vault.Address.ToString(), ["VAULT_TOKEN"] = _vault.RootToken },
            VaultHandler = () => new InterceptingHandler(_vault.CreateTrustingHandler(), request =>
            {
                if (request.Method == HttpMethod.Post)
                {
                    _vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["username"] = "app", ["password"] = "written-by-someone-else" });
                }

                return Task.CompletedTask;
            }),
        };

        var result = await harness.RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("changed while rotating (version 1 is no longer the current one); nothing was written", result.Error, StringComparison.Ordinal);
        Assert.Equal("written-by-someone-else", _vault.ReadKv("secret/myapp/db")!.Value.GetProperty("password").GetString());
    }

    [Fact]
    public async Task StdinAndATokenFileWork()
    {
        using var directory = new TemporaryDirectory();
        var tokenFile = directory.Combine("token");
        await File.WriteAllTextAsync(tokenFile, _vault.RootToken + "\n");
        var harness = new CliHarness { Stdin = "piped-value\r\n" };

        var result = await harness.RunAsync(
            ["rotate", "--vault-address", _vault.Address.ToString(), "--token-file", tokenFile, "--path", "/secret/myapp/db/", "--field", "password", "--stdin"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("piped-value", _vault.ReadKv("secret/myapp/db")!.Value.GetProperty("password").GetString());
        Assert.DoesNotContain("piped-value", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewSecretIsCreatedWithCheckAndSetZero()
    {
        var result = await Harness().RunAsync(["rotate", "--path", "secret/otherapp/api", "--field", "key", "--alphabet", "hex", "--length", "40"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("^[0-9a-f]{40}$", _vault.ReadKv("secret/otherapp/api")!.Value.GetProperty("key").GetString());
        Assert.Contains("version      1", result.Out, StringComparison.Ordinal);
        Assert.Contains("new secret (check-and-set 0)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewFieldIsAddedNextToTheOthers()
    {
        var result = await Harness().RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "api_key"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var data = _vault.ReadKv("secret/myapp/db")!.Value;
        Assert.Equal(["api_key", "password", "port", "username"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("old-password", data.GetProperty("password").GetString());
        Assert.Contains("3 other field(s) kept; 'api_key' is a new field", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCapabilityIsNamed()
    {
        _vault.SetPolicy("otherapp", "secret/data/otherapp/*");
        var token = _vault.CreateToken(TimeSpan.FromHours(1), policies: ["otherapp"]);
        var harness = Harness();
        harness.Environment["VAULT_TOKEN"] = token;

        var result = await harness.RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Vault denied reading 'secret/myapp/db' (403 to GET secret/data/myapp/db", result.Error, StringComparison.Ordinal);
        Assert.Contains("the token needs the 'read' capability on 'secret/data/myapp/db'", result.Error, StringComparison.Ordinal);
        Assert.Equal("old-password", _vault.ReadKv("secret/myapp/db")!.Value.GetProperty("password").GetString());
    }

    [Fact]
    public async Task KvVersion1IsRefused()
    {
        _vault.MountKv("kv1", 1);
        _vault.WriteKv("kv1/myapp", new Dictionary<string, object?> { ["password"] = "v1" });

        var result = await Harness().RunAsync(["rotate", "--path", "kv1/myapp", "--field", "password"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("KV version 1", result.Error, StringComparison.Ordinal);
        Assert.Equal("v1", _vault.ReadKv("kv1/myapp")!.Value.GetProperty("password").GetString());
    }

    private CliHarness Harness() => new()
    {
        Environment = { ["VAULT_ADDR"] = _vault.Address.ToString(), ["VAULT_TOKEN"] = _vault.RootToken },
        VaultHandler = _vault.CreateTrustingHandler,
    };

    private async Task SetCasRequiredAsync(string metadataPath)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_vault.Address, "v1/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, metadataPath) { Content = JsonContent.Create(new { cas_required = true }) };
        request.Headers.Add("X-Vault-Token", _vault.RootToken);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }
}
