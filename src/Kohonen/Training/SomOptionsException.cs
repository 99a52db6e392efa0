namespace Kohonen;

/// <summary>An option of <see cref="SomOptions"/> is out of its allowed range or conflicts with
/// another option. <see cref="ArgumentException.ParamName"/> names the option (the property name,
/// such as <c>Width</c>).</summary>
public sealed class SomOptionsException : ArgumentException
{
    /// <summary>Creates the exception for the named option.</summary>
    public SomOptionsException(string option, string message)
        : base(message, option)
    {
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public SomOptionsException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SomOptionsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SomOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The option at fault (a property name of <see cref="SomOptions"/>).</summary>
    public string? Option => ParamName;

    /// <inheritdoc />
    public override string Message => base.Message.Replace($" (Parameter '{ParamName}')", "", StringComparison.Ordinal);
}
