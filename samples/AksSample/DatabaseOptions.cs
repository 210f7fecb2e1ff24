namespace AksSample;

/// <summary>The database credentials, bound from the <c>Database</c> section (files User, Password, ConnectionString in the volume).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? ConnectionString { get; set; }
}
