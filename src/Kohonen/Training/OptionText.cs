using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Kohonen;

/// <summary>
/// The text names of the option enums (kebab-case: <c>mexican-hat</c>, <c>exponential-classic</c>,
/// with a few named otherwise, such as <see cref="Scaling.ZScore"/>'s <c>zscore</c>), as used in model
/// files, on the command line and over HTTP.
/// </summary>
public static class OptionText
{
    /// <summary>The name of an enum value: its own name if it has one (<c>zscore</c>), else the
    /// kebab-case of its C# name (<c>MexicanHat</c> → <c>mexican-hat</c>).</summary>
    public static string ToText<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        if (typeof(TEnum).GetField(name)?.GetCustomAttribute<OptionNameAttribute>() is { } given)
        {
            return given.Name;
        }

        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    chars.Append('-');
                }

                chars.Append(char.ToLowerInvariant(c));
            }
            else
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }

    /// <summary>All valid names of an enum, in declaration order.</summary>
    public static IReadOnlyList<string> Names<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(ToText)];

    /// <summary>Parses a name case-insensitively, with or without its hyphens ('_' counts as one):
    /// <c>z-score</c>, <c>zscore</c> and <c>Mexican_Hat</c> are all understood.</summary>
    public static bool TryParse<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (text is not null)
        {
            var wanted = Squeeze(text);
            foreach (var candidate in Enum.GetValues<TEnum>())
            {
                if (string.Equals(Squeeze(ToText(candidate)), wanted, StringComparison.OrdinalIgnoreCase))
                {
                    value = candidate;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    /// <summary>Parses a name or throws an <see cref="ArgumentException"/> that lists the valid
    /// names. The message names <paramref name="what"/> itself, so the exception carries no parameter
    /// name (which .NET would append to the message as a C# parameter).</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="what">What is being parsed, for the message ("neighborhood").</param>
    public static TEnum Parse<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(string? text, string what)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value)
            ? value
            : throw new ArgumentException($"Unknown {what} '{text}'; allowed: {string.Join(", ", Names<TEnum>())}.");

    private static string Squeeze(string text) => text.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
}
