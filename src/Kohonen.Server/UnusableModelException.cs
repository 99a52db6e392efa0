namespace Kohonen.Server;

/// <summary>A finished run's <c>model.som</c> cannot be loaded (missing, damaged, refused): the
/// message names the run and says why, for a problem's detail.</summary>
internal sealed class UnusableModelException(string message, Exception innerException)
    : Exception(message, innerException);
