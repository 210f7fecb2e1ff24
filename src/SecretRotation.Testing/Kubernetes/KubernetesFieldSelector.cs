using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// A parsed <c>fieldSelector</c>: comma-separated <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>, all of which must
/// hold. Secrets support <c>metadata.name</c>, <c>metadata.namespace</c> and <c>type</c>; ConfigMaps the first two, as the API server.
/// </summary>
internal sealed class KubernetesFieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private KubernetesFieldSelector(List<(string Field, bool Equal, string Value)> terms) => _terms = terms;

    public static KubernetesFieldSelector Everything { get; } = new([]);

    /// <summary>The name a <c>metadata.name=</c> term asks for (the name RBAC checks a list or watch against), or <see langword="null"/>.</summary>
    public string? SingleName => _terms.Where(term => term.Field == "metadata.name" && term.Equal).Select(term => term.Value).FirstOrDefault();

    /// <exception cref="KubernetesErrorException">400 for a term that does not parse or a field the resource does not support.</exception>
    public static KubernetesFieldSelector Parse(string? text, KubernetesResource resource)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            string field;
            string value;
            bool equal;
            var notEqual = term.IndexOf("!=", StringComparison.Ordinal);
            if (notEqual > 0)
            {
                (field, value, equal) = (term[..notEqual], term[(notEqual + 2)..], false);
            }
            else
            {
                var eq = term.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw KubernetesErrorException.BadRequest($"invalid field selector: '{term}' is not a valid field selector: no operator");
                }

                var valueStart = term.Length > eq + 1 && term[eq + 1] == '=' ? eq + 2 : eq + 1;
                (field, value, equal) = (term[..eq], term[valueStart..], true);
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !(field == "type" && resource == KubernetesResource.Secrets))
            {
                throw KubernetesErrorException.BadRequest($"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
            }

            terms.Add((field, equal, value.Trim()));
        }

        return new KubernetesFieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = field switch
            {
                "metadata.name" => obj["metadata"]?["name"]?.GetValue<string>(),
                "metadata.namespace" => obj["metadata"]?["namespace"]?.GetValue<string>(),
                _ => obj["type"]?.GetValue<string>(),
            };
            if (string.Equals(actual, value, StringComparison.Ordinal) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
