using System.Text;
using SecretRotation.Kubernetes.Internal;

namespace SecretRotation.Kubernetes.Tests;

public sealed class KubernetesJsonTests
{
    private static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void AListGivesItsResourceVersionAndDecodedData()
    {
        var json = $$$"""{"kind":"SecretList","metadata":{"resourceVersion":"42"},"items":[{"metadata":{"name":"db","resourceVersion":"41"},"data":{"password":"{{{B64("json-test-1")}}}"}}]}""";

        var (resourceVersion, items) = KubernetesJson.ParseList(Utf8(json), ResourceKind.Secret, 1024);

        Assert.Equal("42", resourceVersion);
        var item = Assert.Single(items);
        Assert.Equal("db", item.Name);
        Assert.Equal("json-test-1", Encoding.UTF8.GetString(item.Data["password"]));
    }

    [Fact]
    public void AConfigMapTakesDataAsTextAndBinaryDataAsBase64()
    {
        var json = """{"type":"ADDED","object":{"metadata":{"name":"app","resourceVersion":"7"},"data":{"mode":"blue"},"binaryData":{"blob":" """.TrimEnd()
            + B64("bytes") + "\"}}}";

        var watchEvent = KubernetesJson.ParseEvent(Utf8(json), ResourceKind.ConfigMap, 1024);

        Assert.Equal("blue", Encoding.UTF8.GetString(watchEvent.Object!.Data["mode"]));
        Assert.Equal("bytes", Encoding.UTF8.GetString(watchEvent.Object.Data["blob"]));
    }

    [Fact]
    public void ASecretOverTheSizeCapKeepsNoDataAndSaysWhy()
    {
        var json = $$$"""{"metadata":{"name":"big","resourceVersion":"1"},"data":{"a":"{{{B64(new string('x', 600))}}}","b":"{{{B64(new string('y', 600))}}}"}}""";

        var watchEvent = KubernetesJson.ParseEvent(Utf8($$$"""{"type":"MODIFIED","object":{{{json}}}}"""), ResourceKind.Secret, 1000);

        Assert.Empty(watchEvent.Object!.Data);
        Assert.Contains("MaxSecretSize", watchEvent.Object.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidBase64NamesTheKeyButNotTheValue()
    {
        var json = """{"type":"ADDED","object":{"metadata":{"name":"db","resourceVersion":"1"},"data":{"password":"not*base64*json-test-secret"}}}""";

        var exception = Assert.Throws<InvalidDataException>(() => KubernetesJson.ParseEvent(Utf8(json), ResourceKind.Secret, 1024));

        Assert.Contains("password", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("json-test-secret", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedJsonGivesAPositionNotContent()
    {
        var json = """{"type":"ADDED","object":{"data":{"password":"json-test-secret" """;

        var exception = Assert.Throws<InvalidDataException>(() => KubernetesJson.ParseEvent(Utf8(json), ResourceKind.Secret, 1024));

        Assert.DoesNotContain("json-test-secret", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BookmarkAndErrorEventsAreRead()
    {
        var bookmark = KubernetesJson.ParseEvent(Utf8("""{"type":"BOOKMARK","object":{"kind":"Secret","metadata":{"resourceVersion":"99"}}}"""), ResourceKind.Secret, 1024);
        var error = KubernetesJson.ParseEvent(Utf8("""{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}}"""), ResourceKind.Secret, 1024);

        Assert.Equal("99", bookmark.ResourceVersion);
        Assert.Equal(410, error.StatusCode);
        Assert.Equal("Expired", error.Reason);
    }
}
