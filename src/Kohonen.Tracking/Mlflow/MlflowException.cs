using System.Net;

namespace Kohonen.Tracking.Mlflow;

/// <summary>An MLflow server refused a request or could not be reached; the message carries MLflow's
/// <c>error_code</c> and message when it sent them.</summary>
public sealed class MlflowException : TrackingException
{
    /// <summary>Creates the exception for a refused request.</summary>
    public MlflowException(string message, HttpStatusCode? statusCode, string? errorCode, Exception? innerException = null)
        : base(message, innerException!)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public MlflowException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MlflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public MlflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, when the server answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>MLflow's error code, such as <c>RESOURCE_DOES_NOT_EXIST</c>, when it sent one.</summary>
    public string? ErrorCode { get; }
}
