namespace Kohonen.Cli;

/// <summary>The process exit codes of <c>kohonen</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>Failed while running: an I/O error or an unexpected fault.</summary>
    public const int Failure = 1;

    /// <summary>The request cannot be carried out as asked: a bad flag or value, conflicting options,
    /// a missing input file, or input data or a model file that is not valid.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C or SIGTERM); nothing was written.</summary>
    public const int Interrupted = 130;
}
