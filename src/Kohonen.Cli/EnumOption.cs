using System.CommandLine;

namespace Kohonen.Cli;

/// <summary>Flags whose values are the kebab-case names of a core enum (<c>--neighborhood
/// mexican-hat</c>); an unknown value is a usage error that lists the valid ones.</summary>
internal static class EnumOption
{
    public static Option<string?> Create<TEnum>(string name, string description)
        where TEnum : struct, Enum
    {
        var names = OptionText.Names<TEnum>();
        var option = new Option<string?>(name)
        {
            Description = $"{description} ({string.Join(" | ", names)}).",
            HelpName = string.Join("|", names),
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && !OptionText.TryParse<TEnum>(text, out _))
            {
                result.AddError($"{name}: unknown value '{text}'; allowed: {string.Join(", ", names)}.");
            }
        });
        return option;
    }

    /// <summary>The parsed value, or <paramref name="fallback"/> when the flag is absent.</summary>
    public static TEnum Value<TEnum>(ParseResult result, Option<string?> option, TEnum fallback)
        where TEnum : struct, Enum =>
        result.GetValue(option) is { } text ? OptionText.Parse<TEnum>(text, option.Name) : fallback;
}
