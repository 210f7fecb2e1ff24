using Microsoft.Extensions.Configuration;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>A configuration source whose values a test sets; each set fires the reload token, as a secret source does on a change.</summary>
internal sealed class SettableConfiguration : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Put(string key, string? value)
    {
        if (value is null)
        {
            Data.Remove(key);
        }
        else
        {
            Data[key] = value;
        }

        OnReload();
    }

    /// <summary>Fires the reload token with nothing changed.</summary>
    public void Touch() => OnReload();
}
