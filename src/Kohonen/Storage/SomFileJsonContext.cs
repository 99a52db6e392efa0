using System.Text.Json.Serialization;

namespace Kohonen;

/// <summary>Source-generated JSON for the few types the model file stores (no reflection).</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SomFileJsonContext : JsonSerializerContext;
