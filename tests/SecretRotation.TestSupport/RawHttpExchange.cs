using System.Net.Sockets;
using System.Text;

namespace SecretRotation.TestSupport;

/// <summary>
/// One HTTP/1.1 request written byte for byte on a socket, for requests <see cref="HttpClient"/> refuses to send (control
/// characters in a header value). The connection is closed after the answer.
/// </summary>
public static class RawHttpExchange
{
    /// <summary>Sends <paramref name="method"/> <paramref name="pathAndQuery"/> with the headers as given (Latin-1), and returns the status code and the raw answer head.</summary>
    public static async Task<(int Status, string Head)> SendAsync(Uri server, string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(headers);
        using var timeout = new CancellationTokenSource(Signal.Timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Connection: close\r\n")
            .Append("Content-Length: 0\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), timeout.Token);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        var text = Encoding.Latin1.GetString(answer.ToArray());
        var head = text.Split("\r\n\r\n", 2)[0];
        var statusLine = head.Split("\r\n", 2)[0].Split(' ');
        return statusLine.Length >= 2 && int.TryParse(statusLine[1], out var status)
            ? (status, head)
            : throw new InvalidOperationException($"Not an HTTP answer: '{head}'.");
    }
}
