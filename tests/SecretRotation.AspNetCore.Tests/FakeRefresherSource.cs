using Microsoft.Extensions.Configuration;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>A configuration source whose provider is a refresher with a status set by the test.</summary>
internal sealed class FakeRefresherSource(FakeRefresher provider) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
}
