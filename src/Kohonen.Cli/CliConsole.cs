using Spectre.Console;

namespace Kohonen.Cli;

/// <summary>
/// Where a command writes: <see cref="Out"/> for results (a summary, a CSV, one JSON object),
/// <see cref="Error"/> for progress and errors, and whether standard error is a live terminal.
/// </summary>
internal sealed class CliConsole
{
    // Made on first use: most commands never draw a table or a progress bar, and Spectre's set-up
    // is a noticeable part of a short command's start-up.
    private readonly Lazy<IAnsiConsole> _outConsole, _errorConsole;

    public CliConsole(TextWriter output, TextWriter error, bool interactive, TextReader? input = null, int tableWidth = DefaultTableWidth)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        In = input;
        TableWidth = Math.Max(MinTableWidth, tableWidth);
        _outConsole = new Lazy<IAnsiConsole>(() => Create(output, interactive));
        _errorConsole = new Lazy<IAnsiConsole>(() => Create(error, interactive));
    }

    /// <summary>The width of a terminal when it is not known (output to a file or a pipe).</summary>
    public const int DefaultTableWidth = 80;

    /// <summary>The narrowest width tables are fitted to.</summary>
    public const int MinTableWidth = 60;

    public TextWriter Out { get; }

    /// <summary>Where answers to questions come from (standard input); null when nobody can answer.</summary>
    public TextReader? In { get; }

    /// <summary>The columns a table may use: the terminal's width when standard output is one, else
    /// <see cref="DefaultTableWidth"/>.</summary>
    public int TableWidth { get; }

    public TextWriter Error { get; }

    /// <summary>Standard error is a terminal a person watches: draw live progress bars there.</summary>
    public bool Interactive { get; }

    /// <summary>Spectre console over <see cref="Out"/> (tables).</summary>
    public IAnsiConsole OutConsole => _outConsole.Value;

    /// <summary>Spectre console over <see cref="Error"/> (progress).</summary>
    public IAnsiConsole ErrorConsole => _errorConsole.Value;

    /// <summary>The process's own console: interactive when standard error is a terminal and not
    /// under CI or TERM=dumb.</summary>
    public static CliConsole ForProcess() => new(
        Console.Out,
        Console.Error,
        !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("CI") is null
            && Environment.GetEnvironmentVariable("TERM") != "dumb",
        Console.In,
        Console.IsOutputRedirected ? DefaultTableWidth : TerminalWidth());

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : DefaultTableWidth;
        }
        catch (IOException)
        {
            return DefaultTableWidth;
        }
    }

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
