using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretRotation.Testing.Tests;

/// <summary>Serializer settings that escape like the emulator (quotes as <c>\"</c>), for comparing error bodies byte for byte.</summary>
internal static class VaultReplyJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
