namespace SecretRotation;

/// <summary>The format of a rendered secrets file.</summary>
public enum RenderedSecretsFormat
{
    /// <summary>From the file's extension: <c>.json</c> is <see cref="Json"/>, anything else <see cref="KeyValue"/>.</summary>
    Auto = 0,

    /// <summary>A JSON object; nested objects and arrays are flattened to <c>:</c>-separated keys.</summary>
    Json = 1,

    /// <summary>
    /// <c>KEY=VALUE</c> lines: blank lines and lines starting with <c>#</c> are skipped, an <c>export </c> prefix is allowed,
    /// values may be in single or double quotes; <c>__</c> in a key maps to <c>:</c>. A <c>#</c> inside a value is part of it.
    /// </summary>
    KeyValue = 2,
}
