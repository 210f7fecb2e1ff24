namespace SecretRotation.Cli.Rotate;

/// <summary>The characters a generated secret is drawn from (<c>rotate --alphabet</c>).</summary>
internal enum SecretAlphabet
{
    /// <summary><c>alnum</c>: A-Z, a-z, 0-9 (62 characters, about 5.95 bits each).</summary>
    Alnum,

    /// <summary><c>alnum-symbols</c>: <see cref="Alnum"/> and <c>!#%*+-.:=?@^_~</c> (76 characters, about 6.25 bits each).</summary>
    AlnumSymbols,

    /// <summary><c>hex</c>: 0-9, a-f (4 bits each).</summary>
    Hex,

    /// <summary><c>base64url</c>: A-Z, a-z, 0-9, <c>-</c> and <c>_</c> (6 bits each).</summary>
    Base64Url,
}
