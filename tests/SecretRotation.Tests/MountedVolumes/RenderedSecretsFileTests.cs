using Microsoft.Extensions.Configuration;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>One file rendered by Vault Agent or consul-template.</summary>
public sealed class RenderedSecretsFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void JsonIsFlattenedToSections()
    {
        var path = Write("app.json", """
            {
              // Vault Agent templates may carry comments
              "Db": { "User": "app", "Password": "s3cret" },
              "Hosts": ["a", "b"],
              "Port": 5432,
              "Enabled": true,
              "Empty": null,
            }
            """);

        using var configuration = Build(path);

        Assert.Equal("app", configuration["Db:User"]);
        Assert.Equal("s3cret", configuration["Db:Password"]);
        Assert.Equal("a", configuration["Hosts:0"]);
        Assert.Equal("b", configuration["Hosts:1"]);
        Assert.Equal("5432", configuration["Port"]);
        Assert.Equal("true", configuration["Enabled"]);
        Assert.Equal(string.Empty, configuration["Empty"]);
    }

    [Fact]
    public void KeyValueLinesAreParsedWithCommentsQuotesAndExport()
    {
        var path = Write("db.env", """
            # rendered by consul-template
            export DB_USER=app

            Db__Password="p@ss#word with \"quotes\""
            SINGLE='raw \n kept'
            EMPTY=
            URL=postgres://h:5432/db?sslmode=require
            """);

        using var configuration = Build(path);

        Assert.Equal("app", configuration["DB_USER"]);
        Assert.Equal("p@ss#word with \"quotes\"", configuration["Db:Password"]);
        Assert.Equal("raw \\n kept", configuration["SINGLE"]);
        Assert.Equal(string.Empty, configuration["EMPTY"]);
        Assert.Equal("postgres://h:5432/db?sslmode=require", configuration["URL"]);
    }

    [Fact]
    public void TheFormatCanBeSetExplicitlyAndKeysPrefixed()
    {
        var path = Write("secrets.txt", """{"Password":"from-json"}""");

        using var configuration = Build(path, s =>
        {
            s.Format = RenderedSecretsFormat.Json;
            s.KeyPrefix = "Db";
        });

        Assert.Equal("from-json", configuration["Db:Password"]);
    }

    [Fact]
    public async Task AFileReplacedByRenameIsReloaded()
    {
        var path = Write("app.json", """{"Password":"agent-1"}""");
        using var configuration = Build(path);
        using var reloads = new ReloadProbe(configuration);

        var temp = _directory.Combine(".app.json.tmp");
        File.WriteAllText(temp, """{"Password":"agent-2"}""");
        File.Move(temp, path, overwrite: true);

        await reloads.WaitAsync(() => configuration["Password"] == "agent-2", "the renamed-in file");
    }

    [Fact]
    public async Task AFileRewrittenInPlaceIsReloaded()
    {
        var path = Write("db.env", "PASSWORD=template-1\n");
        using var configuration = Build(path);
        using var reloads = new ReloadProbe(configuration);

        File.WriteAllText(path, "PASSWORD=template-2\n");

        await reloads.WaitAsync(() => configuration["PASSWORD"] == "template-2", "the rewritten file");
    }

    [Fact]
    public async Task InvalidJsonFailsTheRefreshWithAPositionButNoContentAndKeepsTheLastGoodData()
    {
        var path = Write("app.json", """{"Password":"good-json-value"}""");
        using var configuration = Build(path);
        var refresher = configuration.GetSecretRefreshers().Single();

        File.WriteAllText(path, "{\"Password\": hunter2-leaked-value");
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains("not valid JSON (line 1", failure.Message, StringComparison.Ordinal);
        Assert.Equal("good-json-value", configuration["Password"]);
        var everything = failure + _logs.AllText();
        Assert.DoesNotContain("hunter2", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("h'", everything, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("just-a-token-without-equals", 1, "token-without-equals")]
    [InlineData("# comment\nKEY=\"unterminated-value", 2, "unterminated-value")]
    [InlineData("OK=1\n =orphan-value", 2, "orphan-value")]
    public void AMalformedKeyValueLineFailsTheLoadNamingTheLineButNotItsContent(string content, int line, string marker)
    {
        var path = Write("bad.env", content);

        var exception = Assert.Throws<SecretSourceException>(() => Build(path));

        Assert.Contains($"line {line}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AJsonDocumentThatIsNotAnObjectIsRejected()
    {
        var path = Write("app.json", """["secret-in-array"]""");

        var exception = Assert.Throws<SecretSourceException>(() => Build(path));

        Assert.Contains("must hold a JSON object", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-in-array", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileOverTheSizeCapFailsTheRefreshAndKeepsTheLastGoodData()
    {
        var path = Write("app.json", """{"Password":"small"}""");
        using var configuration = Build(path, s => s.MaxFileSize = 64);
        var refresher = configuration.GetSecretRefreshers().Single();

        File.WriteAllText(path, $$"""{"Password":"{{new string('x', 100)}}"}""");
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains("64-byte limit", failure.Message, StringComparison.Ordinal);
        Assert.Equal("small", configuration["Password"]);
    }

    [Fact]
    public async Task ADeletedFileKeepsTheLastGoodData()
    {
        var path = Write("app.json", """{"Password":"before-delete"}""");
        using var configuration = Build(path);
        var refresher = configuration.GetSecretRefreshers().Single();

        File.Delete(path);

        await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());
        Assert.Equal("before-delete", configuration["Password"]);
    }

    private string Write(string name, string content)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private ConfigurationRoot Build(string path, Action<MountedSecretsFileSource>? configure = null) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecretsFile(path, s =>
            {
                s.LoggerFactory = _logs.CreateFactory();
                configure?.Invoke(s);
            })
            .Build();
}
