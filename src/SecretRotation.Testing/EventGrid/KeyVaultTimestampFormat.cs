namespace SecretRotation.Testing;

/// <summary>How <see cref="KeyVaultEvents"/> writes the <c>NBF</c> and <c>EXP</c> members of Key Vault event data (Unix seconds).</summary>
/// <remarks>
/// The sources disagree: the docs' samples carry strings, the REST spec and the .NET SDK type them as numbers, and captured deliveries show
/// numbers, or <c>null</c> when the attribute is unset. A receiver has to accept all three.
/// </remarks>
public enum KeyVaultTimestampFormat
{
    /// <summary>JSON numbers, <c>"NBF":1559081980</c>; <c>null</c> when the attribute is unset.</summary>
    Number,

    /// <summary>Numeric strings as in the docs' samples, <c>"NBF":"1559081980"</c>; <c>null</c> when the attribute is unset.</summary>
    NumericString,

    /// <summary>Always <c>null</c>, whatever the attributes.</summary>
    Null,
}
