using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>Log messages of rotating certificates: configuration keys, subjects, thumbprints and dates, never the value.</summary>
internal static partial class CertificateLog
{
    [LoggerMessage(360, LogLevel.Information, "Loaded the certificate at '{Key}' (generation {Generation}, thumbprint {Thumbprint}, valid until {NotAfter:O}).")]
    public static partial void Loaded(ILogger logger, string key, long generation, string thumbprint, DateTime notAfter);

    [LoggerMessage(361, LogLevel.Warning, "The value at '{Key}' is not a usable certificate ({Reason}); keeping the certificate of generation {Generation}.")]
    public static partial void RejectedKeptLastGood(ILogger logger, string key, CertificateRejection reason, long generation);

    [LoggerMessage(362, LogLevel.Error, "The value at '{Key}' is not a usable certificate ({Reason}) and no earlier one was loaded.")]
    public static partial void RejectedNoneLoaded(ILogger logger, string key, CertificateRejection reason);

    [LoggerMessage(363, LogLevel.Debug, "Client certificate at '{Key}' changed to generation {Generation}; new requests go to a new handler, the old one drains.")]
    public static partial void ClientHandlerSwapped(ILogger logger, string key, long generation);

    [LoggerMessage(364, LogLevel.Warning, "A replaced client-certificate handler for '{Key}' still had {Leases} request(s) after the drain timeout; disposed anyway.")]
    public static partial void ClientHandlerDrainTimedOut(ILogger logger, string key, int leases);
}
