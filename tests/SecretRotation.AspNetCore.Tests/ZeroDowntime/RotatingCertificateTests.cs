using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

public sealed class RotatingCertificateTests : IDisposable
{
    // Unique per test: the rejection counter is process-wide and other test classes rotate certificates in parallel.
    private readonly string Key = "Tls:Certificate-" + Guid.NewGuid().ToString("N");

    private readonly SettableConfiguration _values = new();
    private readonly IConfigurationRoot _configuration;
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<X509Certificate2> _made = [];

    public RotatingCertificateTests()
    {
        _configuration = new ConfigurationBuilder().Add(_values).Build();
        _loggerFactory = _logs.CreateFactory();
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        foreach (var certificate in _made)
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public void LoadsABase64PfxAsKeyVaultStoresIt()
    {
        var made = Make("pfx");
        _values.Put(Key, TestCertificates.Pfx(made));
        using var rotating = Create();

        Assert.Equal(made.Thumbprint, rotating.Current!.Thumbprint);
        Assert.True(rotating.Current.HasPrivateKey);
        Assert.Equal(1, rotating.Generation);
    }

    [Fact]
    public void LoadsAPemWithThePrivateKeyFirstAsKeyVaultStoresIt()
    {
        var made = Make("pem");
        _values.Put(Key, TestCertificates.Pem(made));
        using var rotating = Create();

        Assert.Equal(made.Thumbprint, rotating.Current!.Thumbprint);
        Assert.True(rotating.Current.HasPrivateKey);
    }

    [Fact]
    public void LoadsAPasswordProtectedPfxWithThePasswordKey()
    {
        var made = Make("protected");
        _values.Put("Tls:Password", "pfx-password");
        _values.Put(Key, TestCertificates.Pfx(made, "pfx-password"));
        using var rotating = Create(options => options.PasswordKey = "Tls:Password");

        Assert.Equal(made.Thumbprint, rotating.Current!.Thumbprint);
    }

    [Fact]
    public void AChangedValueReplacesTheCertificateAndAnUnchangedOneParsesNothing()
    {
        _values.Put(Key, TestCertificates.Pfx(Make("first")));
        using var rotating = Create();
        var first = rotating.Current;

        _values.Touch();
        _values.Put("Other", "x");
        Assert.Same(first, rotating.Current);
        Assert.Equal(1, rotating.Generation);

        var second = Make("second");
        _values.Put(Key, TestCertificates.Pem(second));
        Assert.Equal(second.Thumbprint, rotating.Current!.Thumbprint);
        Assert.Equal(2, rotating.Generation);
        Assert.Equal(2, _logs.Entries.Count(entry => entry.EventId.Id == 360));
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("not-base64")]
    [InlineData("keyless-pfx")]
    [InlineData("keyless-pem")]
    [InlineData("expired")]
    [InlineData("not-yet-valid")]
    [InlineData("empty")]
    public void AnUnusableValueKeepsTheLastGoodCertificateAndIsLoggedAndCountedOnce(string kind)
    {
        var good = Make("good");
        _values.Put(Key, TestCertificates.Pfx(good));
        var rejections = new List<string>();
        using var listener = ListenToRejections(rejections);
        using var rotating = Create();

        var now = DateTimeOffset.UtcNow;
        var bad = kind switch
        {
            "malformed" => Convert.ToBase64String("not a pkcs12 file"u8.ToArray()),
            "not-base64" => "%%% not base64 %%%",
            "keyless-pfx" => TestCertificates.PfxWithoutKey(Make("keyless")),
            "keyless-pem" => Make("keyless").ExportCertificatePem(),
            "expired" => TestCertificates.Pfx(Make("expired", now.AddDays(-2), now.AddDays(-1))),
            "not-yet-valid" => TestCertificates.Pfx(Make("future", now.AddDays(1), now.AddDays(2))),
            _ => "",
        };
        _values.Put(Key, bad);
        _values.Touch();

        Assert.Equal(good.Thumbprint, rotating.Current!.Thumbprint);
        Assert.Equal(1, rotating.Generation);
        var warning = Assert.Single(_logs.Entries, entry => entry.EventId.Id == 361);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Single(rejections);
        if (bad.Length > 20)
        {
            Assert.DoesNotContain(bad[..20], _logs.AllText(), StringComparison.Ordinal);
        }

        // A good value afterwards is taken at once.
        var next = Make("next");
        _values.Put(Key, TestCertificates.Pfx(next));
        Assert.Equal(next.Thumbprint, rotating.Current!.Thumbprint);
    }

    [Fact]
    public void WithoutAnyGoodValueThereIsNoCertificateAndAnErrorIsLogged()
    {
        _values.Put(Key, "garbage");
        using var rotating = Create();

        Assert.Null(rotating.Current);
        Assert.Equal(0, rotating.Generation);
        Assert.Single(_logs.Entries, entry => entry.EventId.Id == 362 && entry.Level == LogLevel.Error);
    }

    [Fact]
    public void AReplacedCertificateStaysUsableUntilTheDrainTimeoutThenIsDisposed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _values.Put(Key, TestCertificates.Pfx(Make("old")));
        using var rotating = Create(options =>
        {
            options.TimeProvider = clock;
            options.DrainTimeout = TimeSpan.FromSeconds(30);
        });
        var old = rotating.Current!;

        _values.Put(Key, TestCertificates.Pfx(Make("new")));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotEqual(IntPtr.Zero, old.Handle);
        using (var key = old.GetECDsaPrivateKey())
        {
            Assert.NotNull(key);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IntPtr.Zero, old.Handle);
        Assert.NotEqual(IntPtr.Zero, rotating.Current!.Handle);
    }

    [Fact]
    public void DisposeDisposesTheCurrentAndTheReplacedCertificatesAndStopsFollowing()
    {
        _values.Put(Key, TestCertificates.Pfx(Make("one")));
        var rotating = Create();
        var one = rotating.Current!;
        _values.Put(Key, TestCertificates.Pfx(Make("two")));
        var two = rotating.Current!;

        rotating.Dispose();
        _values.Put(Key, TestCertificates.Pfx(Make("three")));

        Assert.Equal(IntPtr.Zero, one.Handle);
        Assert.Equal(IntPtr.Zero, two.Handle);
        Assert.Equal(2, rotating.Generation);
    }

    private RotatingCertificate Create(Action<RotatingCertificateOptions>? configure = null)
    {
        var options = new RotatingCertificateOptions { CertificateKey = Key };
        configure?.Invoke(options);
        return new RotatingCertificate(_configuration, options, _loggerFactory.CreateLogger<RotatingCertificate>());
    }

    private X509Certificate2 Make(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var certificate = TestCertificates.Create(name, notBefore, notAfter);
        _made.Add(certificate);
        return certificate;
    }

    private MeterListener ListenToRejections(List<string> rejections)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName && instrument.Name == "secretrotation.certificate.rejections")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "secretrotation.key" && Key.Equals(tag.Value))
                {
                    lock (rejections)
                    {
                        rejections.Add(tags.ToArray().Single(t => t.Key == "reason").Value!.ToString()!);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}
