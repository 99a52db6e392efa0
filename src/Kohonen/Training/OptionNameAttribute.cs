namespace Kohonen;

/// <summary>Gives an option enum value a text name other than its kebab-case one
/// (<see cref="OptionText"/>): <c>[OptionName("zscore")] ZScore</c>.</summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class OptionNameAttribute(string name) : Attribute
{
    /// <summary>The text name.</summary>
    public string Name { get; } = name;
}
