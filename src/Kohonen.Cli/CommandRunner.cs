using Kohonen.Cli.Settings;
using Kohonen.Tracking;
using Kohonen.Tracking.Mlflow;

namespace Kohonen.Cli;

/// <summary>
/// Runs a command's body and turns what can go wrong into an exit code and a one-line message on
/// standard error (the stack trace only with --verbose): see <see cref="ExitCodes"/>.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Command-line flags of the <see cref="SomOptions"/> properties, for messages.</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["Width"] = "--width",
        ["Height"] = "--height",
        ["Iterations"] = "--iterations",
        ["LearningRate"] = "--learning-rate",
        ["Sigma"] = "--sigma",
        ["MaxDegreeOfParallelism"] = "--threads",
        ["Neighborhood"] = "--neighborhood",
        ["Topology"] = "--topology",
        ["Algorithm"] = "--algorithm",
        ["SigmaDecay"] = "--sigma-decay",
        ["LearningRateDecay"] = "--learning-rate-decay",
        ["Initialization"] = "--init",
        ["Scaling"] = "--scale",
        ["SigmaEnd"] = "--sigma-end",
        ["LearningRateEnd"] = "--learning-rate-end",
        ["Distance"] = "--distance",
    };

    /// <summary>Runs <paramref name="body"/> on the thread pool (so that a command's first, synchronous
    /// part never holds up the caller) and maps its failures to exit codes.</summary>
    public static Task<int> RunAsync(CliConsole console, bool verbose, Func<Task<int>> body) =>
        Task.Run(() => RunCoreAsync(console, verbose, body));

    /// <summary><see cref="RunAsync(CliConsole, bool, Func{Task{int}})"/> for a command that does not wait on I/O.</summary>
    public static Task<int> RunAsync(CliConsole console, bool verbose, Func<int> body) =>
        RunAsync(console, verbose, () => Task.FromResult(body()));

    private static async Task<int> RunCoreAsync(CliConsole console, bool verbose, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("Interrupted; nothing was written (a run being recorded is marked KILLED, with the metrics measured so far).");
            return ExitCodes.Interrupted;
        }
        catch (UsageException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Usage);
        }
        catch (SettingsException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Usage);
        }
        catch (MlflowException e) when (e.StatusCode is null || (int)e.StatusCode >= 500)
        {
            // The server could not be reached or failed: not the user's input.
            return Fail(console, e, verbose, e.Message, ExitCodes.Failure);
        }
        catch (TrackingStoreException e)
        {
            // The store itself (a full disk, a read-only or damaged database): not the input's fault.
            return Fail(console, e, verbose, e.Message, ExitCodes.Failure);
        }
        catch (TrackingException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Usage);
        }
        catch (SomOptionsException e)
        {
            return Fail(console, e, verbose, FlagMessage(e), ExitCodes.Usage);
        }
        catch (DataFormatException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Usage);
        }
        catch (SomFormatException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Usage);
        }
        catch (ArgumentException e)
        {
            // The core refuses data that does not fit the model (columns, NaN); the message says why.
            return Fail(console, e, verbose, PlainMessage(e), ExitCodes.Usage);
        }
        catch (Kohonen.Distributed.ClusterTrainingException e)
        {
            // The cluster lost its workers or cannot read the data: the message says which.
            return Fail(console, e, verbose, e.Message, ExitCodes.Failure);
        }
        catch (TrainingDivergedException e)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Failure);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(console, e, verbose, e.Message, ExitCodes.Failure);
        }
#pragma warning disable CA1031 // The last line of defence: any fault becomes a one-line message and exit 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail(console, e, verbose, $"unexpected {e.GetType().Name}: {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>An argument error's message without the " (Parameter 'name')" .NET appends, which names a
    /// C# parameter, not anything the user typed.</summary>
    internal static string PlainMessage(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    /// <summary>"Width must be in 1..65536; got 0." becomes "--width must be in 1..65536; got 0.".</summary>
    internal static string FlagMessage(SomOptionsException e)
    {
        if (e.Option is null || !Flags.TryGetValue(e.Option, out var flag))
        {
            return e.Message;
        }

        return e.Message.StartsWith(e.Option + " ", StringComparison.Ordinal)
            ? flag + e.Message[e.Option.Length..]
            : $"{flag}: {e.Message}";
    }

    /// <summary>A message as it may be printed on a terminal: a control character other than a line break
    /// (an escape sequence in a value that came from a file, a setting or an argument) becomes a \uXXXX
    /// escape, so no error can drive the terminal.</summary>
    internal static string Printable(string message)
    {
        if (!message.Any(c => char.IsControl(c) && c != '\n'))
        {
            return message;
        }

        var builder = new System.Text.StringBuilder(message.Length + 16);
        foreach (var c in message)
        {
            builder.Append(char.IsControl(c) && c != '\n' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static int Fail(CliConsole console, Exception e, bool verbose, string message, int code)
    {
        console.Error.WriteLine($"error: {Printable(message)}");
        if (verbose)
        {
            console.Error.WriteLine(e.ToString());
        }

        return code;
    }
}
