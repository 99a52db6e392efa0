using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kohonen.Cli.Settings;
using Kohonen.Testing;

namespace Kohonen.Cli.Tests.Hostile;

/// <summary>
/// The settings corpus: every setting the tool reads, given every hostile value below, from the
/// environment and from appsettings.json. Each is either taken or refused with a
/// <see cref="SettingsException"/> that names the setting and where it came from — never another
/// exception — and a refusal printed by a command has no raw control character. Whole-number settings
/// are checked against their documented range by plain parsing written here.
/// </summary>
public sealed partial class SettingsCorpusTests : ScratchFolder
{
    /// <summary>Values an adversary (or a typo) puts in a setting.</summary>
    private static readonly string[] Values =
    [
        "", " ", "\t", "\0", "a\0b", "\u0007", "\u001b[31mred", "x\ny", "\r\n", "-1", "0", "1", "8000", "65536", "2147483647", "2147483648",
        "-2147483649", "9223372036854775808", "99999999999999999999", "1e3", "1.5", "0.0", "NaN", "Infinity", "-0", "+5", "0x10",
        "\u0661", "true", "TRUE", "yes", "abc", "../../etc/passwd", "/dev/zero", "/nonexistent/deep/dir", "http://", "ftp://x",
        "https://mlflow.example:5000", "redis://", "redis://host:99999", "%00", "${HOME}", "'quoted'", "\"quoted\"", "\uFFFF",
        "\ud800", "ünïcødé", new string('9', 10_000), new string('x', 100_000),
    ];

    /// <summary>The values also given through appsettings.json (a JSON string can hold any of them).</summary>
    private static readonly string[] FileValues = ["\0", "\u001b[31mred", "2147483648", "NaN", "\ud800", "x\ny", new string('9', 10_000), "yes"];

    [GeneratedRegex(@"^(?:a whole number in )?(\d+)\.\.(\d+)$")]
    private static partial Regex WholeRange();

    [Fact]
    public void EverySettingTakesOrRefusesEveryHostileValueCleanly()
    {
        var tally = new HostileTally("settings values / every setting × hostile values");
        foreach (var setting in KohonenSettings.All)
        {
            foreach (var value in Values)
            {
                tally.Check($"{setting.Name}={Shown(value)} (environment)", () => AssertClean(setting, value, "the environment", new() { [setting.Name] = value }));
            }

            foreach (var value in FileValues)
            {
                tally.Check($"{setting.Name}={Shown(value)} (appsettings.json)", () =>
                {
                    File.WriteAllText(PathOf("appsettings.json"), JsonSerializer.Serialize(new Dictionary<string, string> { [setting.Name] = value }));
                    try
                    {
                        AssertClean(setting, value, "appsettings.json", []);
                    }
                    finally
                    {
                        File.Delete(PathOf("appsettings.json"));
                    }
                });
            }
        }

        tally.Done();
    }

    [Fact]
    public async Task ARefusedValuePrintsNoControlCharacter()
    {
        var tally = new HostileTally("settings values / printed refusals");
        foreach (var (name, value) in new[] { ("SOM_WIDTH", "\u001b[31mred"), ("SOM_DISTANCE", "\u0007\u0007"), ("MLFLOW_TRACKING_URI", "ftp://\u001b]0;title\u0007"), ("PORT", "80\u0001") })
        {
            await tally.CheckAsync($"{name}={Shown(value)}", async () =>
            {
                var run = await CliRun.InvokeAsync(new CliEnvironment(Folder, new Dictionary<string, string?> { [name] = value, ["KOHONEN_DATA"] = PathOf("store") }), "runs", "list");

                Assert.True(run.ExitCode == 2, run.ToString());
                Assert.StartsWith($"error: setting {name} (from the environment) is '", run.Error, StringComparison.Ordinal);
                Assert.DoesNotContain(run.Error.TrimEnd('\n'), char.IsControl);
                Assert.Contains("\\u00", run.Error, StringComparison.Ordinal);
            });
        }

        tally.Done();
    }

    private void AssertClean(Setting setting, string value, string source, Dictionary<string, string?> variables)
    {
        KohonenSettings? loaded = null;
        SettingsException? refused = null;
        try
        {
            loaded = KohonenSettings.Load(new CliEnvironment(Folder, variables));
        }
        catch (SettingsException e)
        {
            refused = e;
        }

        if (refused is not null && !(source == "appsettings.json" && refused.Message.StartsWith(PathOf("appsettings.json") + ": ", StringComparison.Ordinal)))
        {
            // Refused by the setting's rule (a file the JSON reader cannot take names the file instead).
            Assert.StartsWith($"setting {setting.Name} (from {source})", refused.Message, StringComparison.Ordinal);
            Assert.Contains(setting.Allowed, refused.Message, StringComparison.Ordinal);
        }

        var trimmed = value.Trim();
        if (WholeRange().Match(setting.Allowed) is { Success: true } range && trimmed.Length > 0)
        {
            // A whole number in range is taken; anything else (a fraction, an exponent, a word, a number
            // out of range, a digit of another script) is refused.
            var min = long.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture);
            var max = long.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture);
            var digits = trimmed.TrimStart('-', '+');
            var inRange = digits.Length is > 0 and < 19 && digits.All(char.IsAsciiDigit) && trimmed.Count(c => c is '-' or '+') <= 1
                && long.Parse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) is var n && n >= min && n <= max;
            Assert.True(inRange == (loaded is not null), $"{setting.Name}='{Shown(value)}': {(loaded is null ? refused!.Message : "taken")}");
        }

        if (setting.Allowed.Contains("path", StringComparison.Ordinal) && trimmed.Any(char.IsControl))
        {
            Assert.True(refused is not null, $"{setting.Name}: a path with a control character was taken");
        }
    }

    private static string Shown(string value) =>
        string.Concat(value.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
