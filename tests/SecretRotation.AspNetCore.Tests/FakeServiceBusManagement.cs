using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// A loopback HTTP endpoint in place of a namespace's management API, for the real ServiceBusAdministrationClient (reached
/// through an emulator-style connection string, which uses plain HTTP and the given port): it records each request and
/// answers every one with <see cref="StatusCode"/>. It speaks no AMQP, so a processor pointed at it only reports errors.
/// </summary>
internal sealed class FakeServiceBusManagement : IAsyncDisposable
{
    public const string SharedAccessKey = "ZmFrZS1rZXktdGhhdC1tdXN0LW5ldmVyLWJlLWxvZ2dlZA==";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Method, string Path, string Body)> _requests = new();

    private FakeServiceBusManagement(WebApplication app) => _app = app;

    public int StatusCode { get; set; } = StatusCodes.Status401Unauthorized;

    public IReadOnlyList<(string Method, string Path, string Body)> Requests => _requests.ToArray();

    public string ConnectionString { get; private set; } = null!;

    public static async Task<FakeServiceBusManagement> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeServiceBusManagement(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            fake._requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? string.Empty, body));
            context.Response.StatusCode = fake.StatusCode;
            context.Response.ContentType = "application/xml; charset=utf-8";
            await context.Response.WriteAsync($"<Error><Code>{fake.StatusCode}</Code><Detail>fake answer</Detail></Error>", context.RequestAborted);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        fake.ConnectionString = $"Endpoint=sb://127.0.0.1:{address.Port};SharedAccessKeyName=tests;SharedAccessKey={SharedAccessKey};UseDevelopmentEmulator=true";
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
