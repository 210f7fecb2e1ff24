using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>The requests a <see cref="KeyVaultEmulator"/> answered over some span (one Build, one poll cycle), by kind.</summary>
/// <param name="Lists">Authenticated <c>GET /secrets</c> requests (every page counts).</param>
/// <param name="Gets">Authenticated <c>GET /secrets/{name}</c> requests.</param>
/// <param name="Challenges">Unauthenticated requests answered with the 401 challenge.</param>
/// <param name="Other">Anything else (should be 0).</param>
internal sealed record RequestCounts(int Lists, int Gets, int Challenges, int Other)
{
    /// <summary>The figure the targets count: authenticated List + Get requests.</summary>
    public int ListAndGet => Lists + Gets;

    public static RequestCounts From(IReadOnlyCollection<KeyVaultRequest> requests)
    {
        var lists = requests.Count(request => request.IsAuthenticated && request.Operation == KeyVaultOperation.ListSecrets);
        var gets = requests.Count(request => request.IsAuthenticated && request.Operation == KeyVaultOperation.GetSecret);
        var challenges = requests.Count(request => request.IsChallenge);
        return new RequestCounts(lists, gets, challenges, requests.Count - lists - gets - challenges);
    }
}
