using System.Globalization;
using System.Text.Json;

namespace SecretRotation.Testing.Tests;

/// <summary>One request as it reached a test endpoint: method, URL, raw header values (request and content headers together) and body.</summary>
internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? ContentType => Header("Content-Type");

    public string? AegEventType => Header("aeg-event-type");

    public bool IsValidation => AegEventType == "SubscriptionValidation";

    public bool IsNotification => AegEventType == "Notification";

    public int? DeliveryCount => Header("aeg-delivery-count") is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : null;

    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The <c>validationCode</c> of a subscription validation request.</summary>
    public string ValidationCode => Json[0].GetProperty("data").GetProperty("validationCode").GetString()!;

    /// <summary>The event ids in the body: an array of events, or one CloudEvent object.</summary>
    public IReadOnlyList<string> EventIds => Json.ValueKind == JsonValueKind.Array
        ? [.. Json.EnumerateArray().Select(item => item.GetProperty("id").GetString()!)]
        : [Json.GetProperty("id").GetString()!];

    public static async Task<RecordedRequest> CaptureAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            headers[name] = string.Join(",", values);
        }

        var body = "";
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers.NonValidated)
            {
                headers[name] = string.Join(",", values);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        return new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body);
    }
}
