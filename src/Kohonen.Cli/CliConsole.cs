using Spectre.Console;

namespace Kohonen.Cli;

/// <summary>
/// Where a command writes: <see cref="Out"/> for results (a summary, a CSV, one JSON object),
/// <see cref="Error"/> for progress and errors, and whether standard error is a live terminal.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        OutConsole = Create(output, interactive);
        ErrorConsole = Create(error, interactive);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Standard error is a terminal a person watches: draw live progress bars there.</summary>
    public bool Interactive { get; }

    /// <summary>Spectre console over <see cref="Out"/> (tables).</summary>
    public IAnsiConsole OutConsole { get; }

    /// <summary>Spectre console over <see cref="Error"/> (progress).</summary>
    public IAnsiConsole ErrorConsole { get; }

    /// <summary>The process's own console: interactive when standard error is a terminal and not
    /// under CI or TERM=dumb.</summary>
    public static CliConsole ForProcess() => new(
        Console.Out,
        Console.Error,
        !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("CI") is null
            && Environment.GetEnvironmentVariable("TERM") != "dumb");

    private static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // A file or pipe has no width: do not wrap tables at 80 columns (run ids are 32 characters).
            console.Profile.Width = 240;
        }

        return console;
    }
}
