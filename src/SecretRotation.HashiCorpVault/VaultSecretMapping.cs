namespace SecretRotation;

/// <summary>One Vault path and the configuration section its fields go under.</summary>
/// <param name="Path">The path as the Vault CLI takes it, e.g. <c>secret/myapp/db</c> (KV v2 without <c>data/</c>) or <c>database/creds/app</c>.</param>
/// <param name="Section">The configuration section, e.g. <c>Db</c>: the field <c>password</c> becomes <c>Db:password</c>.</param>
/// <param name="Kind">How the path is read; <see cref="VaultSecretKind.Auto"/> asks Vault.</param>
public sealed record VaultSecretMapping(string Path, string Section, VaultSecretKind Kind = VaultSecretKind.Auto);
